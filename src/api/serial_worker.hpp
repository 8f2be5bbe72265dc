#pragma once
// Blocking work that must happen in the order it was asked for. ModuleHost::runBlocking() hands
// jobs to a pool of threads, so two jobs posted one after the other may run the other way round;
// a module that stores a sender's messages, or applies a client's edits, must keep their order
// (RFC 6120 §10.1: stanzas from one entity are processed in order).
//
// Threading: post() may be called from any thread. Jobs run on the host's worker pool, one at a
// time, in post() order.

#include <deque>
#include <functional>
#include <mutex>

#include "api/module.hpp"

namespace kontalk::api {

class SerialWorker {
 public:
  // `host` must outlive this object and every job still queued.
  explicit SerialWorker(ModuleHost& host) : host_(host) {}
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;

  void post(std::function<void()> job);

 private:
  void drain();

  ModuleHost& host_;
  std::mutex mutex_;
  std::deque<std::function<void()>> jobs_;
  bool draining_ = false;  // a drain() is queued or running on the pool
};

}  // namespace kontalk::api
