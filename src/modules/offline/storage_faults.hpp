#pragma once
// How the journal's writer lives with a store that fails (ARCHITECTURE.md §6: a storage fault is
// a state the server reports and survives). It decides how long to wait before the next attempt
// and what to log:
//  - a transient failure (disk full, I/O error, read-only file system, busy: Status::isTransient)
//    is retried with exponential back-off up to a few seconds, so that the journal recovers by
//    itself soon after the operator freed space;
//  - a permanent one (DataLoss, Internal, ...) will not go away by itself: it is retried slowly,
//    never in a tight loop, and logged as an error;
//  - the first failure is logged at once with its status, a lasting one at a bounded rate (and
//    at once when its kind changes), the recovery once.
// The records themselves stay with the journal meanwhile; this class only keeps time.
//
// Threading: used by the journal's writer thread only.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/status.hpp"

namespace kontalk::modules::offline {

class StorageFaults {
 public:
  using Clock = std::chrono::steady_clock;

  // The first retry of a transient failure waits this long, each further one twice as long as
  // the one before, up to kMaxTransientPause.
  static constexpr Clock::duration kFirstPause = std::chrono::milliseconds(100);
  static constexpr Clock::duration kMaxTransientPause = std::chrono::seconds(5);
  static constexpr Clock::duration kPermanentPause = std::chrono::seconds(30);
  // While the failure lasts, it is logged again at most this often.
  static constexpr Clock::duration kLogInterval = std::chrono::seconds(60);

  // What the journal holds while storage fails, for the log.
  struct Backlog {
    std::size_t messages = 0;
    std::size_t bytes = 0;
  };

  // A commit failed at `now`: logs as the state asks and returns the pause before the next
  // attempt.
  Clock::duration failed(const Status& status, Backlog backlog, Clock::time_point now);
  // A commit succeeded at `now`: logs the recovery when this ends a failing period.
  void succeeded(Clock::time_point now);

  bool failing() const { return since_.has_value(); }

 private:
  std::optional<Clock::time_point> since_;  // the first failure of the current period
  Clock::time_point lastLog_;
  StatusCode lastCode_ = StatusCode::Internal;
  std::uint64_t failuresInPeriod_ = 0;
  Clock::duration nextTransientPause_ = kFirstPause;
};

}  // namespace kontalk::modules::offline
