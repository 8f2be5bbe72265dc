#pragma once
// The c2s streams living on one shard. It drives their timers with a sweep instead of a timer per
// connection (cheaper at 10^4–10^5 mostly idle connections), and closes them all at shutdown.
// The sweep visits a tenth of the streams every 100 ms: touching all 10^4 cold stream objects at
// once stalled the shard for milliseconds every second, which showed in the p99 latency.
//
// Threading: every method runs on the registry's shard, except closeAll() and size() which may
// be called from any thread.

#include <atomic>
#include <chrono>
#include <functional>
#include <vector>

#include "core/asio.hpp"
#include "xmpp/stream_error.hpp"

namespace kontalk::stream {

// What the registry needs of a stream.
class RegisteredStream {
 public:
  virtual ~RegisteredStream() = default;
  // The stream's place in its registry (O(1) removal); maintained by the registry.
  std::size_t registrySlot = 0;
  // Called about once per second: close on timeouts, send keepalives.
  virtual void handleTick(std::chrono::steady_clock::time_point now) = 0;
  virtual void close(const xmpp::StreamError& error) = 0;
  // Drops the connection at once, without a word (a closing stream whose peer does not read at
  // shutdown): the stream ends as if the peer had gone.
  virtual void abort() = 0;
};

class StreamRegistry {
 public:
  explicit StreamRegistry(asio::io_context& shard);

  asio::io_context& shard() { return shard_; }
  void add(RegisteredStream& stream);
  void remove(RegisteredStream& stream);
  std::size_t size() const { return count_.load(std::memory_order_relaxed); }

  // Starts the sweep: every stream gets handleTick() about once per second.
  void start();
  // Thread-safe: closes every stream with `error` and stops the sweep once none is left.
  void closeAll(xmpp::StreamError error);
  // Thread-safe: aborts every stream still open (after closeAll's grace period).
  void abortAll();
  // From a stream's handleTick(): it freed memory it kept while idle. Once enough streams did, the
  // registry hands the free pages back to the system (malloc_trim): freed blocks amid live ones
  // would otherwise stay resident, and idle density is measured in resident memory.
  void noteMemoryReleased() { ++releasesSinceTrim_; }

 private:
  // The sweep keeps its timer in its coroutine frame, so that nothing of the registry is left on
  // the io_context when the context is destroyed with the sweep still pending.
  Awaitable<void> sweep();

  asio::io_context& shard_;
  std::vector<RegisteredStream*> streams_;
  std::size_t sweepCursor_ = 0;
  std::atomic<std::size_t> count_{0};
  bool stopping_ = false;
  std::size_t releasesSinceTrim_ = 0;
};

}  // namespace kontalk::stream
