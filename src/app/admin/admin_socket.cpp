#include "app/admin/admin_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "app/admin/socket_path.hpp"
#include "core/spawn.hpp"

namespace kontalk::admin {
namespace {

namespace fs = std::filesystem;
namespace local = asio::local;

// A client that neither finishes its request nor reads its answer within this long is dropped,
// so that it cannot hold the socket (served one connection at a time) for longer.
constexpr auto kRequestTimeout = std::chrono::seconds(10);

// Whether a server answers on the socket file `path`.
bool serverAnswers(const fs::path& path) {
  asio::io_context context;
  local::stream_protocol::socket probe(context);
  boost::system::error_code error;
  SocketPath address(path);
  probe.connect(address.endpoint(), error);
  return !error;
}

// Only the server's own user (or root) may talk to it; the file mode says so already, this also
// holds when the operator chose a socket path in a directory others can enter.
bool isTrustedPeer(local::stream_protocol::socket& client) {
  ucred credentials{};
  socklen_t size = sizeof credentials;
  if (::getsockopt(client.native_handle(), SOL_SOCKET, SO_PEERCRED, &credentials, &size) != 0) {
    return false;
  }
  return credentials.uid == 0 || credentials.uid == ::geteuid();
}

ino_t inodeOf(const fs::path& path) {
  struct stat status {};
  return ::lstat(path.c_str(), &status) == 0 ? status.st_ino : 0;
}

}  // namespace

struct AdminSocket::State {
  State(asio::io_context& context, Handler serve) : acceptor(context), handler(std::move(serve)) {}
  local::stream_protocol::acceptor acceptor;
  Handler handler;
};

AdminSocket::AdminSocket(asio::io_context& context, fs::path path, Handler handler)
    : path_(std::move(path)), state_(std::make_shared<State>(context, std::move(handler))) {
  fs::create_directories(path_.parent_path());
  if (fs::exists(fs::symlink_status(path_))) {
    if (!fs::is_socket(fs::symlink_status(path_))) {
      throw std::runtime_error("[admin] socket " + path_.string() +
                               " exists and is not a socket; remove it or choose another path");
    }
    if (serverAnswers(path_)) {
      throw std::runtime_error("another server is running on the admin socket " + path_.string());
    }
    fs::remove(path_);  // left by a server that crashed
  }
  SocketPath address(path_);
  auto& acceptor = state_->acceptor;
  acceptor.open(address.endpoint().protocol());
  // Created without any permission for others from the start (the umask applies to bind), then
  // made exactly 0600. Threads that exist now (workers) create no files meanwhile.
  const mode_t previous = ::umask(0177);
  boost::system::error_code error;
  acceptor.bind(address.endpoint(), error);
  ::umask(previous);
  if (error) {
    throw std::runtime_error("cannot create the admin socket " + path_.string() + ": " +
                             error.message());
  }
  fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  acceptor.listen();
  inode_ = inodeOf(path_);
}

AdminSocket::~AdminSocket() {
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
  // A newer server may have replaced a file it took for stale: leave that one alone.
  std::error_code notRemoved;
  if (inode_ != 0 && inodeOf(path_) == inode_) fs::remove(path_, notRemoved);
}

void AdminSocket::start() {
  core::spawnLogged(state_->acceptor.get_executor(), acceptLoop(state_), "admin socket");
  spdlog::info("admin: listening on {}", path_.string());
}

Awaitable<void> AdminSocket::acceptLoop(std::shared_ptr<State> state) {
  for (;;) {
    auto client = std::make_shared<local::stream_protocol::socket>(state->acceptor.get_executor());
    boost::system::error_code error;
    co_await state->acceptor.async_accept(*client, asio::redirect_error(use_awaitable, error));
    if (error == asio::error::operation_aborted || !state->acceptor.is_open()) co_return;
    if (error) {
      spdlog::warn("admin: accept failed: {}", error.message());
      continue;
    }
    co_await serveOne(state, std::move(client));
  }
}

Awaitable<void> AdminSocket::serveOne(std::shared_ptr<State> state,
                                      std::shared_ptr<local::stream_protocol::socket> client) {
  if (!isTrustedPeer(*client)) {
    spdlog::warn("admin: refused a connection from another user");
    co_return;
  }
  asio::steady_timer deadline(client->get_executor(), kRequestTimeout);
  deadline.async_wait([client](const boost::system::error_code& error) {
    if (!error) {
      boost::system::error_code ignored;
      client->close(ignored);
    }
  });
  std::string request;
  boost::system::error_code error;
  co_await asio::async_read(*client, asio::dynamic_buffer(request, kMaxRequestBytes + 1),
                            asio::redirect_error(use_awaitable, error));
  if (error && error != asio::error::eof) {
    spdlog::warn("admin: reading a request failed: {}", error.message());
    co_return;
  }
  // A request beyond the bound ends the read when the buffer is full, and fails parsing.
  Response response;
  if (auto arguments = parseRequest(request); !arguments) {
    spdlog::warn("admin: malformed request: {}", arguments.error().message);
    response = {false, arguments.error().message + "\n"};
  } else {
    try {
      response = state->handler(*arguments);
    } catch (const std::exception& e) {
      spdlog::error("admin: command {} failed: {}", arguments->front(), e.what());
      response = {false, std::string("internal error: ") + e.what() + "\n"};
    }
  }
  const std::string answer = encodeResponse(response);
  co_await asio::async_write(*client, asio::buffer(answer),
                             asio::redirect_error(use_awaitable, error));
  deadline.cancel();
  client->close(error);
}

}  // namespace kontalk::admin
