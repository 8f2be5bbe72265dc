#include "base/status.hpp"

namespace kontalk {

std::string_view statusName(StatusCode code) {
  switch (code) {
    case StatusCode::NotFound:
      return "not-found";
    case StatusCode::AlreadyExists:
      return "already-exists";
    case StatusCode::InvalidArgument:
      return "invalid-argument";
    case StatusCode::PermissionDenied:
      return "permission-denied";
    case StatusCode::Unsupported:
      return "unsupported";
    case StatusCode::DataLoss:
      return "data-loss";
    case StatusCode::Internal:
      return "internal";
    case StatusCode::Unavailable:
      return "unavailable";
    case StatusCode::Timeout:
      return "timeout";
    case StatusCode::Overloaded:
      return "overloaded";
  }
  return "internal";
}

std::string Status::describe() const {
  std::string text(statusName(code));
  text += ": ";
  text += message;
  return text;
}

}  // namespace kontalk
