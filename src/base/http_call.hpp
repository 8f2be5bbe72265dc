#pragma once
// One HTTP exchange with another service (libcurl, blocking): registration's verification
// providers (the SMS gateway, the Verify APIs) and push's FCM sender. Every answer is read into
// memory bounded by kMaxResponseBytes. Modules call it from runBlocking(work, WorkKind::External),
// the pool for slow services, so a slow service never blocks a shard.
//
// Threading: performHttp() blocks; call it from a worker. Call initHttpCalls() once from the
// main thread before the first exchange (modules: when created).

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "base/status.hpp"

namespace kontalk::base {

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
  // Retry-After in seconds (RFC 9110 §10.2.3), when the answer had one in that form.
  std::optional<std::chrono::seconds> retryAfter;
};

struct HttpOptions {
  std::chrono::seconds timeout{10};  // for the whole exchange, connecting included
  // Skips TLS certificate verification: only for tests against a self-signed local service.
  bool insecureTls = false;
};

void initHttpCalls();

// Shutdown: every exchange in progress ends within about a second (libcurl's progress callback
// runs at least once a second), and later ones fail at once, so that a hanging service cannot
// hold the server's exit for its timeout. What is lost is a notification or a verification
// call; messages are durable anyway. Irreversible; call from the main thread before joining
// the workers.
void abandonHttpCalls();

// Performs `request`. Fails (transient: Unavailable, or Timeout) when no complete answer
// arrived (or abandonHttpCalls() was called)
// arrived: connection refused, timeout, TLS failure, an answer longer than kMaxResponseBytes; the
// message says which, for the log. Any HTTP status is an answer.
Result<HttpResponse> performHttp(const HttpRequest& request, const HttpOptions& options);

bool isSuccess(long status);

// RFC 3986 percent-encoding of everything but unreserved characters, for query strings and
// application/x-www-form-urlencoded bodies.
std::string percentEncode(std::string_view value);
// "a=1&b=2" from name/value pairs, each percent-encoded.
std::string formEncode(const std::vector<std::pair<std::string_view, std::string_view>>& fields);
// `method` and `url` for the log, without the query (which may carry credentials).
std::string describeRequest(const HttpRequest& request);

}  // namespace kontalk::base
