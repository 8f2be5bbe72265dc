#pragma once
// Block lists (XEP-0191): per account, the JIDs (full, bare or domain) it blocks, stored in the
// canonical string form of xmpp::Jid. Backend-neutral.
// Threading: methods block: call them from a worker, never on a shard; implementations are
// thread-safe.

#include <string>
#include <vector>

#include "storage/result.hpp"

namespace kontalk::storage {

struct BlockEntry {
  std::string username;
  std::string domain;
  std::string jid;  // the blocked JID
};

class BlockingStore {
 public:
  virtual ~BlockingStore() = default;
  // The JIDs the account blocks, sorted.
  virtual Result<std::vector<std::string>> blocked(const std::string& username,
                                                   const std::string& domain) = 0;
  // Every block of every account of `domain` (loaded once at start so that stanza checks never
  // wait for storage).
  virtual Result<std::vector<BlockEntry>> all(const std::string& domain) = 0;
  // Adds the JIDs to the account's list (already blocked ones are kept). One transaction.
  // Fails with NotFound when the account does not exist.
  virtual Result<void> block(const std::string& username, const std::string& domain,
                             const std::vector<std::string>& jids) = 0;
  // Removes the JIDs from the account's list (unknown ones are ignored). One transaction.
  virtual Result<void> unblock(const std::string& username, const std::string& domain,
                               const std::vector<std::string>& jids) = 0;
  virtual Result<void> unblockAll(const std::string& username, const std::string& domain) = 0;
};

}  // namespace kontalk::storage
