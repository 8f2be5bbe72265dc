#include "stream/stream_registry.hpp"

#include <malloc.h>

#include <vector>

#include "core/spawn.hpp"

namespace kontalk::stream {

StreamRegistry::StreamRegistry(asio::io_context& shard) : shard_(shard) {}

void StreamRegistry::add(RegisteredStream& stream) {
  stream.registrySlot = streams_.size();
  streams_.push_back(&stream);
  count_.store(streams_.size(), std::memory_order_relaxed);
}

void StreamRegistry::remove(RegisteredStream& stream) {
  const std::size_t slot = stream.registrySlot;
  if (slot >= streams_.size() || streams_[slot] != &stream) return;  // not (or no longer) here
  streams_[slot] = streams_.back();
  streams_[slot]->registrySlot = slot;
  streams_.pop_back();
  count_.store(streams_.size(), std::memory_order_relaxed);
}

void StreamRegistry::start() {
  core::spawnLogged(shard_, sweep(), "stream sweep");
}

Awaitable<void> StreamRegistry::sweep() {
  constexpr auto kTick = std::chrono::milliseconds(100);
  constexpr std::size_t kTicksPerRound = 10;  // every stream once per second
  asio::steady_timer ticker(shard_);
  std::size_t tick = 0;
  while (!stopping_ || !streams_.empty()) {
    ticker.expires_after(kTick);
    boost::system::error_code error;
    co_await ticker.async_wait(asio::redirect_error(use_awaitable, error));
    if (error) co_return;
    const auto now = std::chrono::steady_clock::now();
    // A tick may close a stream, which moves the last one into its slot: that one then waits
    // for the next round, which is harmless for second-granularity timeouts.
    std::size_t budget = (streams_.size() + kTicksPerRound - 1) / kTicksPerRound;
    while (budget-- > 0 && !streams_.empty()) {
      if (sweepCursor_ >= streams_.size()) sweepCursor_ = 0;
      RegisteredStream* stream = streams_[sweepCursor_++];
      try {
        stream->handleTick(now);
      } catch (...) {
        // One stream's bug must not stop the timeouts of every stream of the shard.
        core::logEscapedException(std::current_exception(), "stream tick");
        stream->close(xmpp::StreamError{xmpp::StreamErrorCondition::InternalServerError,
                                        "Internal server error."});
      }
    }
    // malloc_trim walks the free lists with each arena locked in turn, so it runs at most once a
    // second per shard, and only after a few MiB were freed (a parser is about 11 KiB): a busy
    // server whose streams go idle one by one does not pay it at every sweep round.
    constexpr std::size_t kReleasesPerTrim = 256;
    if (++tick % kTicksPerRound == 0 && releasesSinceTrim_ >= kReleasesPerTrim) {
      releasesSinceTrim_ = 0;
      ::malloc_trim(0);
    }
  }
}

void StreamRegistry::abortAll() {
  asio::post(shard_, [this] {
    const std::vector<RegisteredStream*> streams = streams_;
    for (auto* stream : streams) {
      const std::size_t slot = stream->registrySlot;
      if (slot < streams_.size() && streams_[slot] == stream) stream->abort();
    }
  });
}

void StreamRegistry::closeAll(xmpp::StreamError error) {
  asio::post(shard_, [this, error = std::move(error)] {
    stopping_ = true;
    // Closing removes streams from the vector: close from a copy, skipping any already gone.
    const std::vector<RegisteredStream*> streams = streams_;
    for (auto* stream : streams) {
      const std::size_t slot = stream->registrySlot;
      if (slot < streams_.size() && streams_[slot] == stream) stream->close(error);
    }
  });
}

}  // namespace kontalk::stream
