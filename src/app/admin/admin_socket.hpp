#pragma once
// The running server's end of the admin socket ([admin] socket; protocol in
// app/admin/admin_protocol.hpp). The socket file is the server's alone: mode 0600, and a peer
// must run as the server's user (or root; SO_PEERCRED). At start a socket file left by a crashed
// server is replaced, but one a live server answers on is not: that is a second server with the
// same data directory, and starting must fail.
//
// Connections are served one at a time, each within kRequestTimeout; `handler` runs on the
// io_context's thread and may block (the server runs this io_context on its main thread, which
// has nothing else to do: no shard waits for it).
//
// Threading: construct, start() and destroy on the thread that runs `context`.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/local/stream_protocol.hpp>

#include "app/admin/admin_protocol.hpp"
#include "core/asio.hpp"

namespace kontalk::admin {

class AdminSocket {
 public:
  using Handler = std::function<Response(const std::vector<std::string>& arguments)>;

  // Binds `path`. Throws std::runtime_error when another server answers on it, when something
  // other than a socket is in the way, or when binding fails.
  AdminSocket(asio::io_context& context, std::filesystem::path path, Handler handler);
  // Closes the socket and removes its file (if it is still the one this object made).
  ~AdminSocket();
  AdminSocket(const AdminSocket&) = delete;
  AdminSocket& operator=(const AdminSocket&) = delete;

  void start();
  const std::filesystem::path& path() const { return path_; }

 private:
  struct State;
  static Awaitable<void> acceptLoop(std::shared_ptr<State> state);
  static Awaitable<void> serveOne(std::shared_ptr<State> state,
                                  std::shared_ptr<asio::local::stream_protocol::socket> client);

  std::filesystem::path path_;
  std::shared_ptr<State> state_;
  unsigned long inode_ = 0;  // of the socket file this object made
};

}  // namespace kontalk::admin
