#include "core/service_notifier.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <spdlog/spdlog.h>

namespace kontalk::core {

namespace {

// Sends `state` to $NOTIFY_SOCKET as one datagram (sd_notify(3), "Notes").
void notify(std::string_view state) {
  const char* target = std::getenv("NOTIFY_SOCKET");
  if (target == nullptr || *target == '\0') return;
  const std::string_view path(target);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if ((path.front() != '/' && path.front() != '@') || path.size() >= sizeof(address.sun_path)) {
    spdlog::warn(
        "NOTIFY_SOCKET={} is neither an absolute path nor an abstract address: cannot "
        "send {}",
        path, state);
    return;
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  if (path.front() == '@') address.sun_path[0] = '\0';  // abstract namespace (unix(7))
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() +
                                             (path.front() == '/' ? 1 : 0));
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    spdlog::warn("cannot notify the service manager of {}: {}", state, std::strerror(errno));
    return;
  }
  const auto sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                             reinterpret_cast<const sockaddr*>(&address), length);
  if (sent < 0) {
    spdlog::warn("cannot notify the service manager of {}: {}", state, std::strerror(errno));
  }
  ::close(fd);
}

}  // namespace

void notifyReady() {
  notify("READY=1");
}
void notifyReloading() {
  notify("RELOADING=1");
}
void notifyStopping() {
  notify("STOPPING=1");
}

}  // namespace kontalk::core
