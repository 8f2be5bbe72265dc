#pragma once
// A Unix socket address for a path of any length. sockaddr_un holds about 100 bytes of path, and
// data directories (a test's temporary directory, a deep /srv tree) can be longer: such a path is
// reached through an open descriptor of its directory as /proc/self/fd/N/NAME (Linux).
// Threading: a value owning a descriptor; one thread.

#include <filesystem>
#include <string>

#include <boost/asio/local/stream_protocol.hpp>

namespace kontalk::admin {

class SocketPath {
 public:
  // Throws std::runtime_error naming the path when its directory cannot be opened.
  explicit SocketPath(const std::filesystem::path& path);
  ~SocketPath();
  SocketPath(const SocketPath&) = delete;
  SocketPath& operator=(const SocketPath&) = delete;

  // Valid while this object lives.
  boost::asio::local::stream_protocol::endpoint endpoint() const { return endpoint_; }

 private:
  int directory_ = -1;
  boost::asio::local::stream_protocol::endpoint endpoint_;
};

}  // namespace kontalk::admin
