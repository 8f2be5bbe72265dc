#include "app/admin/socket_path.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>

namespace kontalk::admin {
namespace {

// sizeof(sockaddr_un::sun_path) is 108 on Linux, with the terminating NUL.
constexpr std::size_t kDirectPathLimit = 100;

}  // namespace

SocketPath::SocketPath(const std::filesystem::path& path) {
  if (path.native().size() < kDirectPathLimit) {
    endpoint_ = boost::asio::local::stream_protocol::endpoint(path.native());
    return;
  }
  const auto parent = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  directory_ = ::open(parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (directory_ < 0) throw std::runtime_error("cannot open the directory of " + path.string());
  const std::string shortened =
      "/proc/self/fd/" + std::to_string(directory_) + "/" + path.filename().string();
  if (shortened.size() >= kDirectPathLimit) {
    ::close(directory_);
    throw std::runtime_error("the socket's file name is too long: " + path.string());
  }
  endpoint_ = boost::asio::local::stream_protocol::endpoint(shortened);
}

SocketPath::~SocketPath() {
  if (directory_ >= 0) ::close(directory_);
}

}  // namespace kontalk::admin
