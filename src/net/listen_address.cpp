#include "net/listen_address.hpp"

#include <charconv>

#include <fmt/format.h>

namespace kontalk::net {

std::string ListenAddress::toString() const {
  // IPv6 literals need brackets to keep the port separator unambiguous.
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

std::optional<ListenAddress> parseListenAddress(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view portText = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto [end, error] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
  if (error != std::errc() || end != portText.data() + portText.size() || port > 65535) {
    return std::nullopt;
  }
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(port)};
}

config::ParsedCodec<ListenAddress> listenAddressCodec() {
  return {"\"host:port\" or \"[v6]:port\"", parseListenAddress,
          [](const ListenAddress& address) { return address.toString(); }};
}

}  // namespace kontalk::net
