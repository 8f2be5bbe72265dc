#pragma once
// Blocking work that must happen in the order it was asked for, per key. ModuleHost::runBlocking()
// hands jobs to a pool of threads, so two jobs posted one after the other may run the other way
// round; a module that applies one account's edits (RFC 6121 Appendix A read-modify-write
// sequences, vCard sets, block list changes) or records its activity must keep their order
// (RFC 6120 §10.1: stanzas from one entity are processed in order). Jobs of one key run one at a
// time in post() order; jobs of different keys run in parallel.
//
// Threading: post() and postIfBusy() may be called from any thread and never block on the jobs.
// Jobs run on the host's worker pool and may post, also to their own key.

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "api/module_host.hpp"

namespace kontalk::api {

class OrderedWork {
 public:
  // `host` must outlive this object and every job still queued.
  explicit OrderedWork(ModuleHost& host) : host_(host) {}
  OrderedWork(const OrderedWork&) = delete;
  OrderedWork& operator=(const OrderedWork&) = delete;

  void post(const std::string& key, std::function<void()> job);
  // Queues `job` behind the key's pending jobs and returns true; returns false (and does nothing)
  // when the key has none, so that the caller acts at once.
  bool postIfBusy(const std::string& key, std::function<void()> job);

 private:
  void drain(const std::string& key);

  ModuleHost& host_;
  std::mutex mutex_;
  // Jobs not yet finished per key; the front one is running. A key is present only while it has
  // jobs, and exactly one drain() runs for each present key.
  std::unordered_map<std::string, std::deque<std::function<void()>>> pending_;
};

}  // namespace kontalk::api
