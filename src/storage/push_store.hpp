#pragma once
// Push registrations (Kontalk legacy push, spec §8.3): one token per account and provider
// ("gcm", "dummy"); a second device of the account replaces the first, as in the original
// server. And XEP-0357 app servers (spec §8.4): (jid, node) entries per account with their
// publish options, and what a publish summarizes (messages and subscriptions waiting).
// Backend-neutral.
// Threading: methods block: call them from a worker, never on a shard; implementations are
// thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/result.hpp"

namespace kontalk::storage {

struct PushRegistration {
  std::string provider;
  std::string token;
  std::int64_t updatedAt = 0;  // unix seconds
};

// An XEP-0357 app server the account enabled (spec §8.4).
struct PushAppServer {
  std::string jid;
  std::string node;            // "" when the client gave none
  std::string options;         // the publish-options form as serialized XML; "" for none
  std::int64_t updatedAt = 0;  // unix seconds
};

// What waits for the account (spec §8.4's urn:xmpp:push:summary counts).
struct PushWaiting {
  std::int64_t messages = 0;       // offline messages not expired
  std::int64_t subscriptions = 0;  // stored subscription requests
};

enum class AppServerPut { Stored, TooMany };

class PushStore {
 public:
  virtual ~PushStore() = default;
  // Stores `token` for (account, provider), replacing the one there. NotFound when the account
  // does not exist.
  virtual Result<void> put(const std::string& username, const std::string& domain,
                           const std::string& provider, const std::string& token,
                           std::int64_t at) = 0;
  // Removes the account's registration with `provider`; nothing to remove is no failure.
  virtual Result<void> remove(const std::string& username, const std::string& domain,
                              const std::string& provider) = 0;
  // Removes it only while it still holds `token`: a provider that rejected an old token must
  // not delete the newer one the device registered meanwhile. True when a row went.
  virtual Result<bool> removeToken(const std::string& username, const std::string& domain,
                                   const std::string& provider, const std::string& token) = 0;
  // The account's registrations, by provider.
  virtual Result<std::vector<PushRegistration>> find(const std::string& username,
                                                     const std::string& domain) = 0;

  // ---- XEP-0357 app servers (spec §8.4) ----------------------------------------------------
  // Stores (jid, node) with its options, replacing an entry with the same jid and node; TooMany
  // (nothing stored) when it is new and the account has `maxEntries` already. NotFound when the
  // account does not exist.
  virtual Result<AppServerPut> putAppServer(const std::string& username, const std::string& domain,
                                            const PushAppServer& entry, std::size_t maxEntries) = 0;
  // Removes (jid, node), or every entry of `jid` without a node; returns how many went.
  virtual Result<std::int64_t> removeAppServers(const std::string& username,
                                                const std::string& domain, const std::string& jid,
                                                const std::optional<std::string>& node) = 0;
  virtual Result<std::vector<PushAppServer>> appServers(const std::string& username,
                                                        const std::string& domain) = 0;
  // The account's offline messages not expired at `now` and stored subscription requests.
  virtual Result<PushWaiting> waiting(const std::string& username, const std::string& domain,
                                      std::int64_t now) = 0;
};

}  // namespace kontalk::storage
