#include "modules/push/publish_failures.hpp"

namespace kontalk::modules::push {

PublishFailures::Action PublishFailures::record(const std::string& entry, PublishAnswer answer) {
  switch (answer) {
    case PublishAnswer::Done:
      transient_.erase(entry);
      return Action::Keep;
    case PublishAnswer::Permanent:
      transient_.erase(entry);
      return Action::Disable;
    case PublishAnswer::Transient:
      break;
  }
  auto found = transient_.find(entry);
  if (found == transient_.end()) {
    if (transient_.size() >= capacity_) return Action::Keep;
    found = transient_.emplace(entry, 0).first;
  }
  if (++found->second < kMaxTransientFailures) return Action::Keep;
  transient_.erase(found);
  return Action::Disable;
}

}  // namespace kontalk::modules::push
