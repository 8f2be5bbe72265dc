#pragma once
// A run of consecutive appends of one journal batch that have no quota to check: live
// deliveries held until their recipient acknowledges them, and the remote queue. They are
// written with one multi-row INSERT per table (every column an array parameter, the stanzas one
// bytea cut by offsets) instead of one statement each: on a batch of live deliveries that is
// nearly every round trip of the commit. An append with a quota ends the run (it is written
// after the run, so that its count sees the run's rows, as in append order).
// Threading: a value used by one commit at a time.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/offline_store.hpp"
#include "storage/postgresql/connection.hpp"

namespace kontalk::storage::postgresql {

class AppendRun {
 public:
  // Whether `append` may join a run: nothing about it depends on the rows before it but its
  // account's existence.
  static bool admits(const JournalAppend& append) {
    return append.remote || (append.maxMessages == 0 && append.maxFromSender == 0);
  }

  // Adds append number `index` of the batch (`append` is copied).
  void add(std::size_t index, const JournalAppend& append);
  // True when the run should be written before it grows further: its statements stay bounded.
  bool full() const;
  // Writes the run in the caller's transaction and sets outcomes[index] of each of its
  // appends: Stored, or NoSuchAccount for a local account that does not exist. Empties the run.
  Result<void> write(Connection& connection, std::vector<AppendOutcome>& outcomes);

 private:
  struct Columns {
    std::vector<std::size_t> indices;  // in the batch
    std::vector<std::int64_t> ids;
    std::vector<std::string> domains;
    std::vector<std::string> usernames;
    std::vector<std::string> senders;
    std::string stanzas;                // every stanza, one after the other
    std::vector<std::int64_t> starts;   // 1-based offsets into `stanzas`
    std::vector<std::int64_t> lengths;  // in bytes
    std::vector<std::int64_t> storedAt;
    std::vector<std::int64_t> expiresAt;

    Parameters parameters() const;
  };

  Columns local_;
  Columns remote_;
};

}  // namespace kontalk::storage::postgresql
