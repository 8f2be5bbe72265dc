#include "app/admin/admin_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "app/admin/socket_path.hpp"

namespace kontalk::admin {
namespace {

namespace local = boost::asio::local;

// A reload or a user deletion takes a moment; a server that says nothing for this long is hung.
constexpr long kAnswerTimeoutSeconds = 60;

ServerAnswer failed(std::string problem) {
  return {ServerAnswer::Outcome::Failed, {}, std::move(problem)};
}

}  // namespace

ServerAnswer askServer(const std::filesystem::path& socketFile,
                       const std::vector<std::string>& arguments) {
  auto request = encodeRequest(arguments);
  if (!request) return failed(request.error().message);
  boost::asio::io_context context;
  local::stream_protocol::socket socket(context);
  boost::system::error_code error;
  try {
    SocketPath path(socketFile);
    socket.connect(path.endpoint(), error);
  } catch (const std::exception& e) {
    return {ServerAnswer::Outcome::NoServer, {}, e.what()};
  }
  if (error == boost::asio::error::not_found || error == boost::asio::error::connection_refused ||
      error == boost::system::errc::no_such_file_or_directory) {
    return {ServerAnswer::Outcome::NoServer, {}, error.message()};
  }
  if (error) return failed("cannot connect to " + socketFile.string() + ": " + error.message());
  const timeval timeout{kAnswerTimeoutSeconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  boost::asio::write(socket, boost::asio::buffer(*request), error);
  if (!error) socket.shutdown(local::stream_protocol::socket::shutdown_send, error);
  if (error) return failed("cannot send the request: " + error.message());
  std::string answer;
  boost::asio::read(socket, boost::asio::dynamic_buffer(answer, kMaxResponseBytes), error);
  if (error && error != boost::asio::error::eof) {
    return failed("no answer from the server: " + error.message());
  }
  auto response = parseResponse(answer);
  if (!response) return failed(response.error().message);
  return {ServerAnswer::Outcome::Answered, std::move(*response), {}};
}

}  // namespace kontalk::admin
