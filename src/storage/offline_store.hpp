#pragma once
// The offline message queue (XEP-0160, Kontalk spec §8): messages for an account that had no
// available resource, kept as serialized stanzas until delivered or expired. Backend-neutral;
// methods block (call them from a worker thread); implementations are thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/result.hpp"

namespace kontalk::storage {

struct OfflineMessage {
  std::int64_t id = 0;         // increases with every stored message: the delivery order
  std::string stanza;          // the serialized <message/>, exactly as it will be delivered
  std::int64_t storedAt = 0;   // unix seconds
  std::int64_t expiresAt = 0;  // unix seconds; the message is dropped from then on
};

enum class EnqueueOutcome { Stored, QuotaExceeded };

class OfflineStore {
 public:
  virtual ~OfflineStore() = default;
  // Appends `message` (its id is ignored) to the account's queue, unless the queue already holds
  // `maxMessages` unexpired messages (QuotaExceeded). The check and the insert are one
  // transaction, so concurrent senders cannot overshoot the quota. The message is durable when
  // this returns Stored. Fails with NotFound when the account does not exist.
  virtual Result<EnqueueOutcome> enqueue(const std::string& username, const std::string& domain,
                                         const OfflineMessage& message,
                                         std::size_t maxMessages) = 0;
  // The account's messages not expired at `now`, oldest first, at most `limit`.
  virtual Result<std::vector<OfflineMessage>> pending(const std::string& username,
                                                      const std::string& domain, std::int64_t now,
                                                      std::size_t limit) = 0;
  // Forgets the given messages of the account (ids of other accounts are ignored).
  virtual Result<void> remove(const std::string& username, const std::string& domain,
                              const std::vector<std::int64_t>& ids) = 0;
  // Deletes every message whose expiry is at or before `now`; returns how many.
  virtual Result<std::int64_t> purgeExpired(std::int64_t now) = 0;
};

}  // namespace kontalk::storage
