#pragma once
// Entity capabilities (XEP-0115) as PEP needs them: which features a caps 'ver' stands for,
// learned by asking one client that announced it (disco#info of NODE#VER) once, and kept for
// every other client announcing the same 'ver'. The resources that announced a 'ver' while the
// question was out wait for the answer. Bounded: past `capacity` versions the oldest learned is
// forgotten (and asked again when it shows up again); at most `capacity` questions are out, each
// with at most kMaxWaiters waiting.
// Threading: every method may be called from any thread (one mutex).

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "xmpp/jid.hpp"

namespace kontalk::modules::pep {

using FeatureSet = std::set<std::string, std::less<>>;

// A resource that announced a 'ver' to an account (the PEP service whose events it may hear).
struct CapsWaiter {
  xmpp::Jid account;
  xmpp::Jid resource;
};

class CapsCache {
 public:
  static constexpr std::size_t kMaxWaiters = 256;

  explicit CapsCache(std::size_t capacity) : capacity_(capacity) {}

  // The features of `ver`; null while unknown.
  std::shared_ptr<const FeatureSet> find(const std::string& ver) const;
  // `waiter` waits for `ver`'s features: true when the caller should ask for them (the first
  // waiter), false when a question is out already (or too many are, and `waiter` is dropped).
  bool await(const std::string& ver, CapsWaiter waiter);
  // The answer: kept, and the waiters are returned.
  std::vector<CapsWaiter> learn(const std::string& ver, FeatureSet features);
  // The question failed: its waiters are dropped, and the next announcement asks again.
  void forget(const std::string& ver);

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const FeatureSet>, std::less<>> known_;
  std::deque<std::string> learnedOrder_;  // oldest first, for eviction
  std::map<std::string, std::vector<CapsWaiter>, std::less<>> asking_;
};

}  // namespace kontalk::modules::pep
