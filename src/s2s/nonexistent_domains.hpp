#pragma once
// The s2s layer's api::RemoteDomains: the domains whose latest DNS look-up said they do not
// exist (srv_lookup.hpp, SrvLookup::domainExists). Bounded: beyond kMaxDomains the oldest entry
// is forgotten (it is looked up again at its next attempt, and found missing again).
//
// Threading: any thread; a mutex around a small set.

#include <cstddef>
#include <deque>
#include <mutex>
#include <set>
#include <string>

#include "api/remote_domains.hpp"

namespace kontalk::s2s {

class NonexistentDomains final : public api::RemoteDomains {
 public:
  static constexpr std::size_t kMaxDomains = 10'000;

  bool isNonexistent(std::string_view domain) const override;
  // The outcome of a look-up of `domain`.
  void record(const std::string& domain, bool exists);

 private:
  mutable std::mutex mutex_;
  std::set<std::string, std::less<>> domains_;
  std::deque<std::string> order_;  // insertion order, for the bound
};

}  // namespace kontalk::s2s
