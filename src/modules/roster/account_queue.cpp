#include "modules/roster/account_queue.hpp"

#include <utility>

namespace kontalk::modules::roster {

void AccountQueue::post(const std::string& account, std::function<void()> work) {
  bool idle = false;
  {
    std::lock_guard lock(mutex_);
    auto& queue = pending_[account];
    idle = queue.empty();
    queue.push_back(std::move(work));
  }
  if (idle) host_.runBlocking([this, account] { drain(account); });
}

bool AccountQueue::postIfBusy(const std::string& account, std::function<void()> work) {
  std::lock_guard lock(mutex_);
  const auto queue = pending_.find(account);
  if (queue == pending_.end()) return false;  // present only while it has work
  queue->second.push_back(std::move(work));
  return true;
}

void AccountQueue::drain(const std::string& account) {
  for (;;) {
    std::function<void()> work;
    {
      std::lock_guard lock(mutex_);
      work = std::move(pending_[account].front());
    }
    work();  // without the lock: it may post, also to this account
    std::lock_guard lock(mutex_);
    auto entry = pending_.find(account);
    entry->second.pop_front();
    if (entry->second.empty()) {
      pending_.erase(entry);
      return;
    }
  }
}

}  // namespace kontalk::modules::roster
