#pragma once
// One failure vocabulary for every layer (ARCHITECTURE.md §10; Dragonfly's OpStatus is the
// model). A failure names its kind, and the kind says whether it is
//  - transient: the same request may succeed later, so callers retry, hold back, or answer the
//    peer with XMPP `wait` / SASL `temporary-auth-failure`; or
//  - permanent: it will fail the same way until something else changes, so callers answer
//    `cancel` / `modify` / `auth` / `not-authorized` and do not retry.
// Callers decide from the code, never from the message text. Messages are for the server's log
// and never reach peers.
//
// Threading: plain values; any thread.

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace kontalk {

enum class StatusCode {
  // Permanent.
  NotFound,          // what was asked for does not exist
  AlreadyExists,     // it exists and must not (a unique key, a second registration)
  InvalidArgument,   // input that can never be accepted: malformed, or failing a check
  PermissionDenied,  // the requester may not do this
  Unsupported,       // not implemented or not configured here
  DataLoss,          // stored data is unreadable or inconsistent
  Internal,          // a broken invariant: a bug, or an unexpected answer of a library
  // Transient.
  Unavailable,  // a dependency refused or failed for now: storage locked, disk full, peer down
  Timeout,      // no answer in time
  Overloaded,   // a queue or limit is full: back off and retry later
};

// The code's name as the log shows it ("not-found", "unavailable", ...).
std::string_view statusName(StatusCode code);

struct Status {
  StatusCode code = StatusCode::Internal;
  std::string message;

  bool isTransient() const {
    return code == StatusCode::Unavailable || code == StatusCode::Timeout ||
           code == StatusCode::Overloaded;
  }
  bool is(StatusCode other) const { return code == other; }
  // For logs: "unavailable: sqlite: database or disk is full".
  std::string describe() const;
};

template <typename T>
using Result = tl::expected<T, Status>;

inline tl::unexpected<Status> failure(StatusCode code, std::string message) {
  return tl::unexpected<Status>(Status{code, std::move(message)});
}

// The same failure with what was being done in front of its message ("roster of alice: ...").
inline tl::unexpected<Status> failure(const Status& status, std::string_view context) {
  return failure(status.code, std::string(context) + ": " + status.message);
}

}  // namespace kontalk
