#pragma once
// A TCP listener that spreads accepted connections over the shards (ARCHITECTURE.md §5): each
// new socket is created on the next shard's io_context and handed over on that shard's thread,
// where its connection then lives for its whole life.
// Threading: construct and start() on the main thread; stop(), isStopped() and port() from any
// thread. The accept loop runs on `acceptShard`; each AcceptHandler call on the new socket's shard.

#include <atomic>
#include <functional>
#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "core/asio.hpp"
#include "core/shard_pool.hpp"
#include "net/listen_address.hpp"

namespace kontalk::net {

class Listener {
 public:
  // Called on the socket's shard thread for every accepted connection.
  using AcceptHandler = std::function<void(asio::ip::tcp::socket socket)>;

  // Binds and listens (throws std::runtime_error naming the address when that fails: a start-up
  // error). The acceptor itself runs on `acceptShard`.
  Listener(asio::io_context& acceptShard, core::ShardPool& shards, const ListenAddress& address,
           AcceptHandler onAccepted);

  void start();
  // Stops accepting; thread-safe (posts to the accepting shard). isStopped() turns true once the
  // accept loop has ended: only then may the shards stop, because a pending accept refers to
  // the io_context of the shard it accepts for.
  void stop();
  bool isStopped() const { return stopped_.load(std::memory_order_acquire); }
  std::uint16_t port() const { return port_; }

 private:
  Awaitable<void> acceptLoop();

  asio::io_context& acceptShard_;
  core::ShardPool& shards_;
  asio::ip::tcp::acceptor acceptor_;
  AcceptHandler onAccepted_;
  std::uint16_t port_ = 0;
  std::string name_;
  std::atomic<bool> stopped_{false};
};

}  // namespace kontalk::net
