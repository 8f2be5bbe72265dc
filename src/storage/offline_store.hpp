#pragma once
// Offline storage as a delivery journal (XEP-0160, Kontalk spec §8, ARCHITECTURE.md §6): every
// message on its way to an account, kept as a serialized stanza until a session of the account
// acknowledged it or it expired. What is left in it after a crash is the accounts' offline mail.
// Backend-neutral.
// Threading: methods block: call them from a worker or the journal's writer thread, never on a
// shard; implementations are thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/result.hpp"

namespace kontalk::storage {

struct OfflineMessage {
  std::int64_t id = 0;         // increases with every stored message: the delivery order
  std::string stanza;          // the serialized <message/>
  std::int64_t storedAt = 0;   // unix seconds
  std::int64_t expiresAt = 0;  // unix seconds; the message is dropped from then on
};

// One message to add to an account's queue. The caller assigns ids (above highestId()) so that
// it can refer to a record before it is written.
struct JournalAppend {
  std::string username;
  std::string domain;
  // The bare JID that sent the message (empty when unknown): what the per-sender share counts.
  std::string sender;
  OfflineMessage message;
  // Refused when the account already holds this many unexpired messages; 0: no limit.
  std::size_t maxMessages = 0;
  // Refused when the account already holds this many unexpired messages from `sender`, so that
  // one sender cannot take the whole quota (issue 11 item 16); 0: no limit.
  std::size_t maxFromSender = 0;
  // A message for an account on another server (spec §7.9): kept in the remote queue under
  // `domain` (the recipient's) until that server acknowledged it, with no local account behind
  // it and no quota. `username` is the recipient's localpart.
  bool remote = false;
};

enum class AppendOutcome { Stored, QuotaExceeded, SenderQuotaExceeded, NoSuchAccount };

// How much one pending() call reads: at most `messages` messages, and no more once `bytes` of
// stanzas are read (the message that crosses it is included, so that a single large message is
// still read). Offline delivery reads in such windows so that its memory and the recipient's
// outbound queue stay bounded.
struct PendingLimit {
  std::size_t messages = 0;
  std::size_t bytes = 0;  // 0: no byte limit
};

struct StoredCounts {
  std::int64_t local = 0;
  std::int64_t remote = 0;
};

class OfflineStore {
 public:
  virtual ~OfflineStore() = default;
  // One transaction (one group commit): the appends in order, then the removals by id (unknown
  // ids are ignored). Returns each append's outcome, in order. Durable when this returns.
  // A quota check and its insert see the earlier appends of the same batch.
  virtual Result<std::vector<AppendOutcome>> commit(const std::vector<JournalAppend>& appends,
                                                    const std::vector<std::int64_t>& removals) = 0;
  // The largest id stored (0 when none): new ids start above it.
  virtual Result<std::int64_t> highestId() = 0;
  // How many messages are stored for local accounts (offline mail, and live deliveries not yet
  // acknowledged) and in the remote queue (for /metrics).
  virtual Result<StoredCounts> countStored() = 0;
  // The account's messages with an id above `afterId`, not expired at `now`, oldest first,
  // within `limit`.
  virtual Result<std::vector<OfflineMessage>> pending(const std::string& username,
                                                      const std::string& domain, std::int64_t now,
                                                      std::int64_t afterId, PendingLimit limit) = 0;
  // Deletes every local account's message whose expiry is at or before `now`; returns how many.
  // The remote queue is left alone: its expired messages go back to their senders first.
  virtual Result<std::int64_t> purgeExpired(std::int64_t now) = 0;

  // ---- the remote queue (messages for other servers, spec §7.9) ---------------------------
  // Ids are shared with local accounts' messages (one journal assigns both); commit() removes
  // from either by id.
  // The domains with messages not expired at `now`.
  virtual Result<std::vector<std::string>> remoteDomains(std::int64_t now) = 0;
  // The domain's messages with an id above `afterId`, not expired at `now`, oldest first.
  virtual Result<std::vector<OfflineMessage>> pendingRemote(const std::string& domain,
                                                            std::int64_t now, std::int64_t afterId,
                                                            PendingLimit limit) = 0;
  // Messages of any domain whose expiry is at or before `now`, oldest first: to be bounced to
  // their senders, then removed.
  virtual Result<std::vector<OfflineMessage>> expiredRemote(std::int64_t now,
                                                            std::size_t limit) = 0;
};

}  // namespace kontalk::storage
