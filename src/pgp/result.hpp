#pragma once
// Results of the OpenPGP layer: a value or an Error whose message says what failed, for logs.
// Peers never see these messages.

#include <string>

#include <tl/expected.hpp>

namespace kontalk::pgp {

struct Error {
  std::string message;
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(std::string message) {
  return tl::unexpected<Error>(Error{std::move(message)});
}

}  // namespace kontalk::pgp
