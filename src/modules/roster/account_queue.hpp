#pragma once
// Runs blocking work for one account at a time, in the order it was posted, on the host's
// worker pool. Roster changes are read-modify-write sequences (RFC 6121 Appendix A) and a client
// may send `subscribe` and `unsubscribe` back to back: running them concurrently, or out of
// order, would lose one. Different accounts still run in parallel.
//
// Thread-safe; post() never blocks on the work itself.

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "api/module.hpp"

namespace kontalk::modules::roster {

class AccountQueue {
 public:
  explicit AccountQueue(api::ModuleHost& host) : host_(host) {}

  // `account` is a bare JID string. `work` may post to any queue, its own included.
  void post(const std::string& account, std::function<void()> work);
  // Queues `work` behind the account's pending work and returns true; returns false (and does
  // nothing) when the account has none, so the caller acts at once.
  bool postIfBusy(const std::string& account, std::function<void()> work);

 private:
  void drain(const std::string& account);

  api::ModuleHost& host_;
  std::mutex mutex_;
  // Work not yet finished per account; the front is running. An account is present only while
  // it has work, and exactly one drain() runs for each present account.
  std::unordered_map<std::string, std::deque<std::function<void()>>> pending_;
};

}  // namespace kontalk::modules::roster
