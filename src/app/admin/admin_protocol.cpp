#include "app/admin/admin_protocol.hpp"

namespace kontalk::admin {
namespace {

constexpr std::string_view kOk = "ok\n";
constexpr std::string_view kError = "error\n";

}  // namespace

Result<std::string> encodeRequest(const std::vector<std::string>& arguments) {
  if (arguments.empty() || arguments.size() > kMaxArguments) {
    return failure(StatusCode::InvalidArgument,
                   "a request has 1 to " + std::to_string(kMaxArguments) + " arguments");
  }
  std::string encoded;
  for (const auto& argument : arguments) {
    if (argument.find_first_of(std::string_view("\n\0", 2)) != std::string::npos) {
      return failure(StatusCode::InvalidArgument, "an argument contains a newline or NUL");
    }
    encoded += argument;
    encoded += '\n';
  }
  if (encoded.size() > kMaxRequestBytes) {
    return failure(StatusCode::InvalidArgument,
                   "the request exceeds " + std::to_string(kMaxRequestBytes) + " bytes");
  }
  return encoded;
}

Result<std::vector<std::string>> parseRequest(std::string_view bytes) {
  if (bytes.size() > kMaxRequestBytes) {
    return failure(StatusCode::InvalidArgument, "request too large");
  }
  if (bytes.empty() || bytes.back() != '\n') {
    return failure(StatusCode::InvalidArgument, "request does not end with a newline");
  }
  if (bytes.find('\0') != std::string_view::npos) {
    return failure(StatusCode::InvalidArgument, "request contains NUL");
  }
  std::vector<std::string> arguments;
  while (!bytes.empty()) {
    const auto end = bytes.find('\n');
    if (arguments.size() == kMaxArguments) {
      return failure(StatusCode::InvalidArgument, "request has too many arguments");
    }
    arguments.emplace_back(bytes.substr(0, end));
    bytes.remove_prefix(end + 1);
  }
  return arguments;
}

std::string encodeResponse(const Response& response) {
  std::string encoded(response.ok ? kOk : kError);
  encoded += response.text;
  return encoded;
}

Result<Response> parseResponse(std::string_view bytes) {
  for (const bool ok : {true, false}) {
    const std::string_view status = ok ? kOk : kError;
    if (bytes.starts_with(status)) return Response{ok, std::string(bytes.substr(status.size()))};
  }
  return failure(StatusCode::InvalidArgument, "the server's answer has no status line");
}

}  // namespace kontalk::admin
