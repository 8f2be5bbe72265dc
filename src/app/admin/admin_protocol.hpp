#pragma once
// The admin socket's wire format (kontalkctl <-> the running kontalkd): one request, one
// response, then the server closes the connection. Deliberately tiny, so that both ends can
// bound everything a peer sends:
//  - request: the command's arguments, each followed by '\n' ("sessions\nkick\nalice@x\n"); the
//    client then shuts down its sending side. At most kMaxRequestBytes and kMaxArguments; an
//    argument never contains '\n' or NUL (a password read with getline cannot).
//  - response: "ok\n" or "error\n", then free text for the operator (UTF-8 lines).
// Threading: pure functions; any thread.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.hpp"

namespace kontalk::admin {

inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;
inline constexpr std::size_t kMaxArguments = 16;
// A session list of 10^5 sessions is a few MiB; anything far beyond is not a server answering.
inline constexpr std::size_t kMaxResponseBytes = std::size_t{256} << 20;

// InvalidArgument when an argument contains '\n' or NUL, or the request would exceed the bounds.
Result<std::string> encodeRequest(const std::vector<std::string>& arguments);
// InvalidArgument (with a message for the log) when the bytes are not a well-formed request.
Result<std::vector<std::string>> parseRequest(std::string_view bytes);

struct Response {
  bool ok = true;
  std::string text;  // what kontalkctl prints: on stdout when ok, on stderr otherwise
};

std::string encodeResponse(const Response& response);
// InvalidArgument when the status line is missing or unknown.
Result<Response> parseResponse(std::string_view bytes);

}  // namespace kontalk::admin
