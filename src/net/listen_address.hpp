#pragma once
// A TCP address to listen on: "host:port" or "[v6]:port".
// Threading: plain values and pure functions; any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/option_codecs.hpp"

namespace kontalk::net {

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
  std::string toString() const;
};

// nullopt when malformed.
std::optional<ListenAddress> parseListenAddress(std::string_view text);

// How configuration tables write one (config/section.hpp).
config::ParsedCodec<ListenAddress> listenAddressCodec();

}  // namespace kontalk::net
