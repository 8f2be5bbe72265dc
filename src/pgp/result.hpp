#pragma once
// The OpenPGP layer reports failures in the server's one status vocabulary (base/status.hpp).
// Almost all of them are about the key or signature given (InvalidArgument: permanent); a
// failing library call that is not about its input is Internal. Messages say what failed, for
// logs; peers never see them.
// Threading: a helper over values; any thread.

#include <string>

#include "base/status.hpp"

namespace kontalk::pgp {

// The input (a key, a signature, a certificate) fails a check or cannot be read.
inline tl::unexpected<Status> fail(std::string message) {
  return failure(StatusCode::InvalidArgument, std::move(message));
}

}  // namespace kontalk::pgp
