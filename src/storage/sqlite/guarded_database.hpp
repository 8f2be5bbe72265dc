#pragma once
// The connections of a SqliteStorage: one writer shared by all its stores and guarded by one
// mutex, and one reader.
//
// Why one writer connection and not one per thread: SQLite admits a single writer per database at a
// time whatever the number of connections, and the server's storage traffic is mostly writes
// (offline queue, acknowledgements). With a connection per thread, contending writers would
// meet SQLITE_BUSY and the busy handler's sleep-and-retry polling; a mutex hands the connection
// to the next waiter at once and keeps every statement on a consistent connection state.
//
// Beside it, one read-only connection serves the reads on the login path (accounts, keys):
// WAL lets a reader run while the writer commits, so a login never waits for an fsync of the
// delivery journal or a slow disk (issue 11 item 3). Each read is its own read transaction
// (statements are finalized after use), so it sees every commit made before it started.
//
// Threading: withDatabase() and withReader() may be called from any thread (one mutex per
// connection); the work they run blocks, so call them only off the shards.

#include <mutex>
#include <utility>

#include "storage/sqlite/database.hpp"

namespace kontalk::storage::sqlite {

class GuardedDatabase {
 public:
  GuardedDatabase(Database database, Database reader)
      : database_(std::move(database)), reader_(std::move(reader)) {}

  // Runs `work(Database&)` with the connection held exclusively; returns what it returns.
  // Any thread may call this. `work` must not call back into the same GuardedDatabase.
  template <typename Work>
  auto withDatabase(Work&& work) {
    std::lock_guard lock(mutex_);
    return std::forward<Work>(work)(database_);
  }

  // The same on the read-only connection (writes fail there): for reads that must not wait
  // behind writers. Any thread may call this.
  template <typename Work>
  auto withReader(Work&& work) {
    std::lock_guard lock(readerMutex_);
    return std::forward<Work>(work)(reader_);
  }

 private:
  std::mutex mutex_;
  Database database_;
  std::mutex readerMutex_;
  Database reader_;
};

}  // namespace kontalk::storage::sqlite
