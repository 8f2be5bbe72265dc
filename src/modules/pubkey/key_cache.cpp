#include "modules/pubkey/key_cache.hpp"

namespace kontalk::modules::pubkey {

void KeyCache::addSession(const std::string& bareJid) {
  std::lock_guard lock(mutex_);
  ++entries_[bareJid].sessions;
}

void KeyCache::put(const std::string& bareJid, CachedKey key) {
  std::lock_guard lock(mutex_);
  const auto entry = entries_.find(bareJid);
  if (entry != entries_.end()) entry->second.key = std::move(key);
}

void KeyCache::removeSession(const std::string& bareJid) {
  std::lock_guard lock(mutex_);
  const auto entry = entries_.find(bareJid);
  if (entry != entries_.end() && --entry->second.sessions <= 0) entries_.erase(entry);
}

std::optional<CachedKey> KeyCache::find(const std::string& bareJid) const {
  std::lock_guard lock(mutex_);
  const auto entry = entries_.find(bareJid);
  if (entry == entries_.end()) return std::nullopt;
  return entry->second.key;
}

}  // namespace kontalk::modules::pubkey
