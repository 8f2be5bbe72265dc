#include "net/listener.hpp"

#include <stdexcept>

#include <spdlog/spdlog.h>

namespace kontalk::net {

Listener::Listener(asio::io_context& acceptShard, core::ShardPool& shards,
                   const ListenAddress& address, AcceptHandler onAccepted)
    : acceptShard_(acceptShard),
      shards_(shards),
      acceptor_(acceptShard),
      onAccepted_(std::move(onAccepted)),
      name_(address.toString()) {
  boost::system::error_code error;
  const auto ip = asio::ip::make_address(address.host, error);
  if (error) throw std::runtime_error("cannot listen on " + name_ + ": invalid IP address");
  const asio::ip::tcp::endpoint endpoint(ip, address.port);
  acceptor_.open(endpoint.protocol(), error);
  if (!error) acceptor_.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor_.bind(endpoint, error);
  if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) throw std::runtime_error("cannot listen on " + name_ + ": " + error.message());
  port_ = acceptor_.local_endpoint().port();
}

void Listener::start() {
  asio::co_spawn(acceptShard_, acceptLoop(), [this](const std::exception_ptr&) {
    stopped_.store(true, std::memory_order_release);
  });
}

void Listener::stop() {
  asio::post(acceptShard_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
}

Awaitable<void> Listener::acceptLoop() {
  spdlog::info("listening on {}", name_);
  asio::steady_timer backoff(acceptShard_);
  while (acceptor_.is_open()) {
    asio::io_context& shard = shards_.next();
    boost::system::error_code error;
    auto socket =
        co_await acceptor_.async_accept(shard, asio::redirect_error(use_awaitable, error));
    if (error == asio::error::operation_aborted) break;
    if (error) {
      // Typically EMFILE: back off briefly instead of spinning on a full descriptor table.
      spdlog::warn("accept on {} failed: {}", name_, error.message());
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(asio::redirect_error(use_awaitable, error));
      continue;
    }
    asio::post(shard,
               [this, socket = std::move(socket)]() mutable { onAccepted_(std::move(socket)); });
  }
  spdlog::info("stopped listening on {}", name_);
}

}  // namespace kontalk::net
