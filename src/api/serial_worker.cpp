#include "api/serial_worker.hpp"

#include <utility>

namespace kontalk::api {

void SerialWorker::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
    if (draining_) return;  // the running drain() takes it
    draining_ = true;
  }
  host_.runBlocking([this] { drain(); });
}

void SerialWorker::drain() {
  for (;;) {
    std::function<void()> job;
    {
      std::lock_guard lock(mutex_);
      if (jobs_.empty()) {
        draining_ = false;
        return;
      }
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace kontalk::api
