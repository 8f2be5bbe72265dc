#pragma once
// The current key of accounts, in memory, so that presence hooks (which run on shards and must
// not block) attach it (spec §0: every presence a contact receives carries the fingerprint; §5:
// a subscription request carries the whole key).
//
// An account's entry is written before any of its sessions is bound (the bind waits for it, see
// api::ModuleHost::prepareSessions) and whenever its key changes, so the first presence after a
// login and the first after a key rollover carry the right fingerprint. While the account has
// sessions the entry is pinned with the whole key; when the last one ends only the fingerprint
// stays, among a bounded number of recently offline accounts (the presences the server sends
// for an account that just went offline carry it too).
//
// Threading: every method may be called from any thread (one mutex): workers write entries
// (Preparing, key changes), shards mark sessions and read keys in presence hooks.

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace kontalk::modules::pubkey {

struct CachedKey {
  std::string fingerprint;
  std::string keyBase64;  // empty once the account went offline
};

class KeyCache {
 public:
  explicit KeyCache(std::size_t maxOfflineAccounts) : maxOffline_(maxOfflineAccounts) {}

  // The account's current key (before a bind, or after a change).
  void put(const std::string& bareJid, CachedKey key);
  // The account has a bound session now / has none any more.
  void markOnline(const std::string& bareJid);
  void markOffline(const std::string& bareJid);

  std::optional<std::string> fingerprint(const std::string& bareJid) const;
  // The whole key, known while the account is online.
  std::optional<CachedKey> onlineKey(const std::string& bareJid) const;
  std::size_t size() const;

 private:
  struct Entry {
    CachedKey key;
    bool online = false;
    std::list<std::string>::iterator offlinePosition;  // valid while !online
  };
  void evictOffline();

  const std::size_t maxOffline_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> offline_;  // most recently offline first
};

}  // namespace kontalk::modules::pubkey
