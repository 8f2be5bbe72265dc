#include "modules/pubkey/key_cache.hpp"

namespace kontalk::modules::pubkey {

void KeyCache::put(const std::string& bareJid, CachedKey key) {
  std::lock_guard lock(mutex_);
  auto [entry, inserted] = entries_.try_emplace(bareJid);
  entry->second.key = std::move(key);
  if (inserted) {
    offline_.push_front(bareJid);
    entry->second.offlinePosition = offline_.begin();
    evictOffline();
  } else if (!entry->second.online) {
    offline_.splice(offline_.begin(), offline_, entry->second.offlinePosition);  // fresh again
  }
}

void KeyCache::markOnline(const std::string& bareJid) {
  std::lock_guard lock(mutex_);
  const auto entry = entries_.find(bareJid);
  if (entry == entries_.end() || entry->second.online) return;
  offline_.erase(entry->second.offlinePosition);
  entry->second.online = true;
}

void KeyCache::markOffline(const std::string& bareJid) {
  std::lock_guard lock(mutex_);
  const auto entry = entries_.find(bareJid);
  if (entry == entries_.end() || !entry->second.online) return;
  entry->second.online = false;
  std::string().swap(entry->second.key.keyBase64);
  offline_.push_front(bareJid);
  entry->second.offlinePosition = offline_.begin();
  evictOffline();
}

std::optional<std::string> KeyCache::fingerprint(const std::string& bareJid) const {
  std::lock_guard lock(mutex_);
  const auto entry = entries_.find(bareJid);
  if (entry == entries_.end()) return std::nullopt;
  return entry->second.key.fingerprint;
}

std::optional<CachedKey> KeyCache::onlineKey(const std::string& bareJid) const {
  std::lock_guard lock(mutex_);
  const auto entry = entries_.find(bareJid);
  if (entry == entries_.end() || !entry->second.online) return std::nullopt;
  return entry->second.key;
}

std::size_t KeyCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void KeyCache::evictOffline() {
  while (offline_.size() > maxOffline_) {
    entries_.erase(offline_.back());
    offline_.pop_back();
  }
}

}  // namespace kontalk::modules::pubkey
