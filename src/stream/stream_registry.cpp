#include "stream/stream_registry.hpp"

#include <vector>

namespace kontalk::stream {

StreamRegistry::StreamRegistry(asio::io_context& shard) : shard_(shard) {}

void StreamRegistry::add(RegisteredStream& stream) {
  streams_.insert(&stream);
  count_.store(streams_.size(), std::memory_order_relaxed);
}

void StreamRegistry::remove(RegisteredStream& stream) {
  streams_.erase(&stream);
  count_.store(streams_.size(), std::memory_order_relaxed);
}

void StreamRegistry::start() {
  asio::co_spawn(shard_, sweep(), asio::detached);
}

Awaitable<void> StreamRegistry::sweep() {
  asio::steady_timer ticker(shard_);
  while (!stopping_ || !streams_.empty()) {
    ticker.expires_after(std::chrono::seconds(1));
    boost::system::error_code error;
    co_await ticker.async_wait(asio::redirect_error(use_awaitable, error));
    if (error) co_return;
    const auto now = std::chrono::steady_clock::now();
    // A tick may close streams, which removes them from the set: iterate over a copy.
    const std::vector<RegisteredStream*> streams(streams_.begin(), streams_.end());
    for (auto* stream : streams) {
      if (streams_.contains(stream)) stream->handleTick(now);
    }
  }
}

void StreamRegistry::closeAll(xmpp::StreamError error) {
  asio::post(shard_, [this, error = std::move(error)] {
    stopping_ = true;
    const std::vector<RegisteredStream*> streams(streams_.begin(), streams_.end());
    for (auto* stream : streams) {
      if (streams_.contains(stream)) stream->close(error);
    }
  });
}

}  // namespace kontalk::stream
