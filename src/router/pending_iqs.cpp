#include "router/pending_iqs.hpp"

namespace kontalk::router {

bool PendingIqs::add(const std::string& requester, const std::string& id,
                     const std::string& responder, Callback callback) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_) return false;
  return entries_.try_emplace({requester, id}, Entry{responder, std::move(callback)}).second;
}

std::optional<PendingIqs::Callback> PendingIqs::take(const std::string& from, const std::string& to,
                                                     const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find({to, id});
  if (found == entries_.end() || found->second.responder != from) return std::nullopt;
  auto callback = std::move(found->second.callback);
  entries_.erase(found);
  return callback;
}

std::optional<PendingIqs::Callback> PendingIqs::expire(const std::string& requester,
                                                       const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find({requester, id});
  if (found == entries_.end()) return std::nullopt;
  auto callback = std::move(found->second.callback);
  entries_.erase(found);
  return callback;
}

std::size_t PendingIqs::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace kontalk::router
