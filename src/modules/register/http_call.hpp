#pragma once
// One HTTP exchange between a verification provider and its service (libcurl, blocking): the
// SMS gateway (http_provider) and the Verify APIs (verify_api_provider, checkmobi_provider).
// Every answer is read into memory bounded by kMaxResponseBytes.
//
// Threading: performHttp() blocks; call it from a worker. Call initHttpCalls() once from the
// main thread before any provider that uses it is created.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "modules/register/verification_provider.hpp"

namespace kontalk::modules::registration {

// Larger than any answer of the supported services; a larger one aborts the exchange.
inline constexpr std::size_t kMaxResponseBytes = 64 * 1024;

struct HttpRequest {
  enum class Method { Get, Post };
  Method method = Method::Get;
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent with Post
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

struct HttpOptions {
  std::chrono::seconds timeout{10};  // for the whole exchange, connecting included
  // Skips TLS certificate verification: only for tests against a self-signed local service.
  bool insecureTls = false;
};

void initHttpCalls();

// Performs `request`. Fails (transient: Unavailable, or Timeout) when no complete answer
// arrived: connection refused, timeout, TLS failure, an answer longer than kMaxResponseBytes; the
// message says which, for the log. Any HTTP status is an answer.
Result<HttpResponse> performHttp(const HttpRequest& request, const HttpOptions& options);

// How a service that answered `status` outside 2xx failed (ARCHITECTURE.md §10): 5xx is
// transient (try again, or elsewhere), like no answer at all; 4xx and the rest permanent.
Status statusFailure(long status, std::string detail);
bool isSuccess(long status);

// RFC 3986 percent-encoding of everything but unreserved characters, for query strings and
// application/x-www-form-urlencoded bodies.
std::string percentEncode(std::string_view value);
// "a=1&b=2" from name/value pairs, each percent-encoded.
std::string formEncode(const std::vector<std::pair<std::string_view, std::string_view>>& fields);
// `method` and `url` for the log, without the query (which may carry credentials).
std::string describeRequest(const HttpRequest& request);

}  // namespace kontalk::modules::registration
