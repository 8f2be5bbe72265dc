#include "modules/push/push_queue.hpp"

#include <algorithm>

namespace kontalk::modules::push {

std::optional<std::chrono::seconds> retryDelay(int retries,
                                               std::optional<std::chrono::seconds> retryAfter) {
  if (retries >= kMaxRetries) return std::nullopt;
  if (retryAfter) return std::min(*retryAfter, kMaxRetryAfter);
  return std::chrono::seconds(1 << retries);
}

bool PushQueue::add(PushJob job) {
  if (size() >= capacity_) return false;
  waiting_.push_back(std::move(job));
  return true;
}

std::vector<PushJob> PushQueue::takeReady(Clock::time_point now) {
  std::vector<PushJob> ready;
  for (auto it = waiting_.begin(); it != waiting_.end() && running_ < concurrency_;) {
    if (it->notBefore > now) {
      ++it;
      continue;
    }
    ready.push_back(std::move(*it));
    it = waiting_.erase(it);
    ++running_;
  }
  return ready;
}

void PushQueue::finished() {
  if (running_ > 0) --running_;
}

void PushQueue::retry(PushJob job) {
  finished();
  waiting_.push_back(std::move(job));
}

}  // namespace kontalk::modules::push
