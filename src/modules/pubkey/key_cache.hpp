#pragma once
// The current key of every account with a bound session, kept in memory so that presence hooks
// (which run on shards and must not block) can attach it (spec §5, §0). Filled from storage when
// a session is bound, dropped with the account's last session. Thread-safe.

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace kontalk::modules::pubkey {

struct CachedKey {
  std::string fingerprint;
  std::string keyBase64;
};

class KeyCache {
 public:
  // A session of `bareJid` was bound; the caller loads the key and calls put().
  void addSession(const std::string& bareJid);
  // Stores the key unless the account has no bound session any more (it left while loading).
  void put(const std::string& bareJid, CachedKey key);
  void removeSession(const std::string& bareJid);
  std::optional<CachedKey> find(const std::string& bareJid) const;

 private:
  struct Entry {
    int sessions = 0;
    std::optional<CachedKey> key;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace kontalk::modules::pubkey
