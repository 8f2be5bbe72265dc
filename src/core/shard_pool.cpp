#include "core/shard_pool.hpp"

#include <spdlog/spdlog.h>

namespace kontalk::core {
namespace {

thread_local bool tShardThread = false;

}  // namespace

bool ShardPool::onShardThread() {
  return tShardThread;
}

ShardPool::ShardPool(unsigned shardCount) {
  shards_.reserve(shardCount);
  for (unsigned i = 0; i < shardCount; ++i) {
    // The hint 1 tells Asio each context is driven by one thread, so it skips internal locking.
    shards_.push_back(std::make_unique<asio::io_context>(1));
  }
}

ShardPool::~ShardPool() {
  stop();
  join();
}

asio::io_context& ShardPool::next() {
  return *shards_[nextShard_.fetch_add(1, std::memory_order_relaxed) % shards_.size()];
}

void ShardPool::start() {
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    workGuards_.emplace_back(shards_[i]->get_executor());
    threads_.emplace_back([this, i] {
      tShardThread = true;
      try {
        shards_[i]->run();
      } catch (const std::exception& e) {
        // Handlers are written not to throw; reaching this is a bug worth a loud log.
        spdlog::critical("shard {} stopped by an exception: {}", i, e.what());
        throw;
      }
    });
  }
}

void ShardPool::stop() {
  workGuards_.clear();
  for (auto& shard : shards_) shard->stop();
}

void ShardPool::join() {
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

}  // namespace kontalk::core
