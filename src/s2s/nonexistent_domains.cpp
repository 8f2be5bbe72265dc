#include "s2s/nonexistent_domains.hpp"

#include <algorithm>

namespace kontalk::s2s {

bool NonexistentDomains::isNonexistent(std::string_view domain) const {
  std::lock_guard lock(mutex_);
  return domains_.find(domain) != domains_.end();
}

void NonexistentDomains::record(const std::string& domain, bool exists) {
  std::lock_guard lock(mutex_);
  if (exists) {
    if (domains_.erase(domain) > 0) std::erase(order_, domain);
    return;
  }
  if (!domains_.insert(domain).second) return;
  order_.push_back(domain);
  if (order_.size() > kMaxDomains) {
    domains_.erase(order_.front());
    order_.pop_front();
  }
}

}  // namespace kontalk::s2s
