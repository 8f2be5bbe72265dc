#include "modules/offline/storage_faults.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace kontalk::modules::offline {
namespace {

long long seconds(StorageFaults::Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::seconds>(duration).count();
}

long long milliseconds(StorageFaults::Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

}  // namespace

StorageFaults::Clock::duration StorageFaults::failed(const Status& status, Backlog backlog,
                                                     Clock::time_point now) {
  const bool first = !since_;
  if (first) {
    since_ = now;
    failuresInPeriod_ = 0;
    nextTransientPause_ = kFirstPause;
  }
  ++failuresInPeriod_;
  Clock::duration pause = kPermanentPause;
  if (status.isTransient()) {
    pause = nextTransientPause_;
    nextTransientPause_ = std::min(nextTransientPause_ * 2, kMaxTransientPause);
  }
  const bool changed = !first && status.code != lastCode_;
  if (first || changed || now - lastLog_ >= kLogInterval) {
    lastLog_ = now;
    lastCode_ = status.code;
    const auto level = status.isTransient() ? spdlog::level::warn : spdlog::level::err;
    if (first) {
      spdlog::log(spdlog::level::err,
                  "offline: storage failed ({}): the delivery journal keeps {} message(s) ({} "
                  "bytes) in memory, holds back senders' acknowledgements and retries in {} ms",
                  status.describe(), backlog.messages, backlog.bytes, milliseconds(pause));
    } else {
      spdlog::log(level,
                  "offline: storage still failing after {} s and {} failed commit(s) ({}): "
                  "{} message(s) ({} bytes) wait in memory; next attempt in {} ms",
                  seconds(now - *since_), failuresInPeriod_, status.describe(), backlog.messages,
                  backlog.bytes, milliseconds(pause));
    }
    if (!status.isTransient() && (first || changed)) {
      spdlog::error(
          "offline: the failure is permanent ({}): it will not pass by itself; the journal "
          "retries every {} s and loses nothing meanwhile. Check the database.",
          statusName(status.code), seconds(kPermanentPause));
    }
  }
  return pause;
}

void StorageFaults::succeeded(Clock::time_point now) {
  if (!since_) return;
  spdlog::warn("offline: storage recovered after {} s and {} failed commit(s)",
               seconds(now - *since_), failuresInPeriod_);
  since_.reset();
}

}  // namespace kontalk::modules::offline
