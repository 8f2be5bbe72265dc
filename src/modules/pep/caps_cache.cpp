#include "modules/pep/caps_cache.hpp"

namespace kontalk::modules::pep {

std::shared_ptr<const FeatureSet> CapsCache::find(const std::string& ver) const {
  std::lock_guard lock(mutex_);
  auto found = known_.find(ver);
  return found == known_.end() ? nullptr : found->second;
}

bool CapsCache::await(const std::string& ver, CapsWaiter waiter) {
  std::lock_guard lock(mutex_);
  auto asking = asking_.find(ver);
  if (asking != asking_.end()) {
    if (asking->second.size() < kMaxWaiters) asking->second.push_back(std::move(waiter));
    return false;
  }
  if (asking_.size() >= capacity_) return false;
  asking_[ver].push_back(std::move(waiter));
  return true;
}

std::vector<CapsWaiter> CapsCache::learn(const std::string& ver, FeatureSet features) {
  std::lock_guard lock(mutex_);
  std::vector<CapsWaiter> waiters;
  if (auto asking = asking_.find(ver); asking != asking_.end()) {
    waiters = std::move(asking->second);
    asking_.erase(asking);
  }
  if (!known_.contains(ver)) {
    while (!learnedOrder_.empty() && known_.size() >= capacity_) {
      known_.erase(learnedOrder_.front());
      learnedOrder_.pop_front();
    }
    known_.emplace(ver, std::make_shared<const FeatureSet>(std::move(features)));
    learnedOrder_.push_back(ver);
  }
  return waiters;
}

void CapsCache::forget(const std::string& ver) {
  std::lock_guard lock(mutex_);
  asking_.erase(ver);
}

}  // namespace kontalk::modules::pep
