#pragma once
// The head of an HTTP/1.1 response (RFC 9112 §4, §5): status line, the handler's headers, and
// those the layer owns: Content-Length, Date (RFC 9110 §6.6.1) and Connection: close.
// Threading: pure functions; any thread.

#include <cstdint>
#include <string>

#include "api/http_routes.hpp"

namespace kontalk::http {

// `contentLength`: the body's (for HEAD, the one GET would send). A handler's own
// Content-Length, Connection or Date header is dropped: the layer knows better.
std::string formatResponseHead(int status, const api::HttpHeaders& headers,
                               std::uint64_t contentLength, bool close);

}  // namespace kontalk::http
