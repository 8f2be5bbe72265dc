#pragma once
// The one connection of a SqliteStorage, shared by all its stores and guarded by one mutex.
//
// Why one connection and not one per thread: SQLite admits a single writer per database at a
// time whatever the number of connections, and the server's storage traffic is mostly writes
// (offline queue, acknowledgements). With a connection per thread, contending writers would
// meet SQLITE_BUSY and the busy handler's sleep-and-retry polling; a mutex hands the connection
// to the next waiter at once and keeps every statement on a consistent connection state.
// If reads ever become the bottleneck, a pool of read-only connections (WAL lets readers run
// beside the writer) can be added here without changing the stores.

#include <mutex>
#include <utility>

#include "storage/sqlite/database.hpp"

namespace kontalk::storage::sqlite {

class GuardedDatabase {
 public:
  explicit GuardedDatabase(Database database) : database_(std::move(database)) {}

  // Runs `work(Database&)` with the connection held exclusively; returns what it returns.
  // Any thread may call this. `work` must not call back into the same GuardedDatabase.
  template <typename Work>
  auto withDatabase(Work&& work) {
    std::lock_guard lock(mutex_);
    return std::forward<Work>(work)(database_);
  }

 private:
  std::mutex mutex_;
  Database database_;
};

}  // namespace kontalk::storage::sqlite
