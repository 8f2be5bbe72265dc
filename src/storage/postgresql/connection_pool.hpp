#pragma once
// The connections of a PostgresStorage: at most `size` connections to one server, opened on
// demand, each lent to one thread at a time. A borrower waits for a free connection at most
// `acquireTimeout`, then fails Unavailable (the storage is overloaded; callers treat it as any
// transient storage failure). A connection that broke while lent is closed, not returned, and
// the next borrower opens a new one, so a restarted PostgreSQL server is reconnected to without
// a restart of kontalkd.
//
// Why a bounded pool and not a connection per thread: PostgreSQL spends a process per connection,
// and the server's blocking work already runs on a bounded worker pool (`[server] workers`) plus
// the journal's writer thread; the pool's size caps what one kontalkd takes from a database that
// several nodes may share.
//
// Threading: withConnection() may be called from any thread; it blocks (waiting and network round
// trips), so never on a shard.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "storage/postgresql/connection.hpp"

namespace kontalk::storage::postgresql {

class ConnectionPool {
 public:
  ConnectionPool(std::string url, std::size_t size, std::chrono::milliseconds acquireTimeout);

  // Runs `work(Connection&)` on a connection of its own and returns its Result<T>; fails
  // Unavailable when no connection frees up in time or none can be opened.
  template <typename Work>
  auto withConnection(Work&& work) -> std::invoke_result_t<Work, Connection&> {
    auto lent = acquire();
    if (!lent) return tl::unexpected(lent.error());
    auto result = std::forward<Work>(work)(*lent);
    release(std::move(*lent));
    return result;
  }

  // withConnection() inside BEGIN ... COMMIT: commits when `work` succeeds, rolls back when it
  // fails. The result is a failure when the commit fails.
  template <typename Work>
  auto withTransaction(Work&& work) -> std::invoke_result_t<Work, Connection&> {
    using Answer = std::invoke_result_t<Work, Connection&>;
    return withConnection([&](Connection& connection) -> Answer {
      auto transaction = Transaction::begin(connection);
      if (!transaction) return tl::unexpected(transaction.error());
      Answer result = std::forward<Work>(work)(connection);
      if (!result) return result;
      if (auto committed = transaction->commit(); !committed) {
        return tl::unexpected(committed.error());
      }
      return result;
    });
  }

 private:
  Result<Connection> acquire();
  void release(Connection connection);

  const std::string url_;
  const std::size_t size_;
  const std::chrono::milliseconds acquireTimeout_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<Connection> idle_;
  std::size_t open_ = 0;  // idle plus lent
};

}  // namespace kontalk::storage::postgresql
