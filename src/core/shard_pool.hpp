#pragma once
// Event-loop shards (ARCHITECTURE.md §5): one io_context per thread. A connection is placed on
// one shard for its whole life; work for it from elsewhere is posted to that shard.
// Threading: construct, start(), stop() and join() on the main thread; next(), shard(),
// shardFor(), size() and onShardThread() from any thread.

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "core/asio.hpp"

namespace kontalk::core {

class ShardPool {
 public:
  explicit ShardPool(unsigned shardCount);
  ~ShardPool();
  ShardPool(const ShardPool&) = delete;
  ShardPool& operator=(const ShardPool&) = delete;

  std::size_t size() const { return shards_.size(); }
  asio::io_context& shard(std::size_t index) { return *shards_[index]; }
  // Round-robin choice for a new connection. Thread-safe.
  asio::io_context& next();
  // The shard for work keyed by `hash`: work posted with the same key runs in posting order.
  asio::io_context& shardFor(std::size_t hash) { return *shards_[hash % shards_.size()]; }
  // Whether the calling thread runs one of the shards (of any pool).
  static bool onShardThread();

  // Starts one thread per shard; the loops run until stop().
  void start();
  void stop();  // makes every loop return; threads are joined by join()
  void join();

 private:
  using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<std::unique_ptr<asio::io_context>> shards_;
  std::vector<WorkGuard> workGuards_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> nextShard_{0};
};

}  // namespace kontalk::core
