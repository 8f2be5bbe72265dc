#include "api/ordered_work.hpp"

#include <utility>

namespace kontalk::api {

void OrderedWork::post(const std::string& key, std::function<void()> job) {
  bool idle = false;
  {
    std::lock_guard lock(mutex_);
    auto& queue = pending_[key];
    idle = queue.empty();
    queue.push_back(std::move(job));
  }
  if (idle) host_.runBlocking([this, key] { drain(key); });
}

bool OrderedWork::postIfBusy(const std::string& key, std::function<void()> job) {
  std::lock_guard lock(mutex_);
  const auto queue = pending_.find(key);
  if (queue == pending_.end()) return false;
  queue->second.push_back(std::move(job));
  return true;
}

void OrderedWork::drain(const std::string& key) {
  for (;;) {
    std::function<void()> job;
    {
      std::lock_guard lock(mutex_);
      job = std::move(pending_[key].front());
    }
    job();  // without the lock: it may post, also to this key
    std::lock_guard lock(mutex_);
    auto entry = pending_.find(key);
    entry->second.pop_front();
    if (entry->second.empty()) {
      pending_.erase(entry);
      return;
    }
  }
}

}  // namespace kontalk::api
