#include "connect.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>

namespace kontalk::bench {

Awaitable<tl::expected<void, std::string>> connectFrom(asio::ip::tcp::socket& socket,
                                                       const asio::ip::tcp::endpoint& server,
                                                       const std::string& sourceAddress) {
  boost::system::error_code error;
  socket.open(server.protocol(), error);
  if (error) co_return tl::unexpected("socket: " + error.message());
  if (!sourceAddress.empty()) {
    const int enable = 1;
    // Best effort: without it bind() picks the port and the range is shared by all destinations.
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &enable,
                 sizeof enable);
    const auto address = asio::ip::make_address(sourceAddress, error);
    if (error) co_return tl::unexpected("bad source address " + sourceAddress);
    socket.bind(asio::ip::tcp::endpoint(address, 0), error);
    if (error) co_return tl::unexpected("bind " + sourceAddress + ": " + error.message());
  }
  co_await socket.async_connect(server, asio::redirect_error(use_awaitable, error));
  if (error) co_return tl::unexpected("connect: " + error.message());
  co_return tl::expected<void, std::string>{};
}

}  // namespace kontalk::bench
