#pragma once
// The pushes waiting for a provider (spec §8.3), bounded twice: at most `capacity` pushes are
// queued or running (more are refused: a dead provider costs memory up to that), and at most
// `concurrency` run at once, so that push never holds more than that many of the External
// workers it shares with registration's verification calls. Retries wait here, not on a
// worker: a back-off never occupies a thread.
// Pure: the caller passes the time.
// Threading: not thread-safe; the module holds a mutex.

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace kontalk::modules::push {

struct PushJob {
  std::string account;  // bare JID
  std::string provider;
  std::string token;
  int retries = 0;  // retries made so far
  std::chrono::steady_clock::time_point notBefore{};
};

// Spec §8.3: after the `retries`-th failed attempt, wait Retry-After if given (at most
// kMaxRetryAfter), else 1, 2, 4 s; nullopt once 3 retries were made.
inline constexpr int kMaxRetries = 3;
inline constexpr std::chrono::seconds kMaxRetryAfter{300};
std::optional<std::chrono::seconds> retryDelay(int retries,
                                               std::optional<std::chrono::seconds> retryAfter);

class PushQueue {
 public:
  using Clock = std::chrono::steady_clock;

  PushQueue(std::size_t capacity, std::size_t concurrency)
      : capacity_(capacity), concurrency_(concurrency) {}

  // Queues a new push; false when capacity pushes are queued or running already.
  bool add(PushJob job);
  // The jobs due at `now`, as many as free running slots allow; they run until finished() or
  // retry() is called for each.
  std::vector<PushJob> takeReady(Clock::time_point now);
  void finished();
  // A running job goes back to the queue, due at job.notBefore.
  void retry(PushJob job);

  std::size_t size() const { return waiting_.size() + running_; }

 private:
  std::size_t capacity_;
  std::size_t concurrency_;
  std::deque<PushJob> waiting_;
  std::size_t running_ = 0;
};

}  // namespace kontalk::modules::push
