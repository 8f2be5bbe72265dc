#include "stream/resumption_registry.hpp"

namespace kontalk::stream {

void ResumptionRegistry::add(const std::string& id, std::shared_ptr<C2sSessionHandle> session) {
  std::lock_guard lock(mutex_);
  sessions_[id] = std::move(session);
}

std::shared_ptr<C2sSessionHandle> ResumptionRegistry::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

void ResumptionRegistry::remove(const std::string& id, const C2sSessionHandle& session) {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(id);
  if (it != sessions_.end() && it->second.get() == &session) sessions_.erase(it);
}

std::vector<std::shared_ptr<C2sSessionHandle>> ResumptionRegistry::all() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<C2sSessionHandle>> all;
  all.reserve(sessions_.size());
  for (const auto& [id, session] : sessions_) all.push_back(session);
  return all;
}

}  // namespace kontalk::stream
