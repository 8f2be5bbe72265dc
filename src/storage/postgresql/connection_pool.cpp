#include "storage/postgresql/connection_pool.hpp"

namespace kontalk::storage::postgresql {

ConnectionPool::ConnectionPool(std::string url, std::size_t size,
                               std::chrono::milliseconds acquireTimeout)
    : url_(std::move(url)), size_(size), acquireTimeout_(acquireTimeout) {}

Result<Connection> ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + acquireTimeout_;
  for (;;) {
    while (!idle_.empty()) {
      Connection connection = std::move(idle_.back());
      idle_.pop_back();
      if (connection.usable()) return connection;
      --open_;  // dropped: its server went away while it sat idle
    }
    if (open_ < size_) break;
    if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= size_) {
      return failure(StatusCode::Unavailable, "postgresql: all " + std::to_string(size_) +
                                                  " pooled connections stayed busy for " +
                                                  std::to_string(acquireTimeout_.count()) + " ms");
    }
  }
  // A slot of its own; connecting (a network round trip) happens outside the lock.
  ++open_;
  lock.unlock();
  auto connection = Connection::open(url_);
  if (!connection) {
    lock.lock();
    --open_;
    freed_.notify_one();
  }
  return connection;
}

void ConnectionPool::release(Connection connection) {
  std::lock_guard lock(mutex_);
  if (connection.broken()) {
    --open_;
  } else {
    idle_.push_back(std::move(connection));
  }
  freed_.notify_one();
}

}  // namespace kontalk::storage::postgresql
