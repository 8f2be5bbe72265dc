#pragma once
// Opens the generator's TCP connections from a chosen loopback source address.

#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <tl/expected.hpp>

#include "core/asio.hpp"

namespace kontalk::bench {

// Connects `socket` (closed on entry) to `server` from `sourceAddress` (empty: the kernel's
// choice). IP_BIND_ADDRESS_NO_PORT defers the port choice to connect(), so the kernel may reuse a
// source port towards other destinations and ports in TIME_WAIT from an earlier scenario do not
// block bind(). The error text says what failed.
Awaitable<tl::expected<void, std::string>> connectFrom(asio::ip::tcp::socket& socket,
                                                       const asio::ip::tcp::endpoint& server,
                                                       const std::string& sourceAddress);

}  // namespace kontalk::bench
