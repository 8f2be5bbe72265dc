#pragma once
// HTTP as a module sees it (ARCHITECTURE.md §3 "http/"): a module serves the requests under a
// path prefix (XEP-0363 uploads under /upload) without seeing the server's HTTP layer. The layer
// parses and bounds the request head, percent-decodes and checks the path, moves body bytes and
// file contents between the socket and a worker, and writes the answer; the handler only decides.
//
// Threading: an HttpHandler runs on a worker thread (the HTTP pool) and may block (storage,
// the file system); so do a body sink's write() and finish() and an HttpFile's read(), called
// one at a time per request, in order. Only a sink's destructor may run on a shard (below).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.hpp"

namespace kontalk::api {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // as sent: "GET", "HEAD", "PUT", "OPTIONS", ...
  // The path below the route's prefix, split at '/' and percent-decoded: "/upload/a/b.jpg" is
  // {"a", "b.jpg"}. The layer refused any segment that is empty, "." or "..", or that decodes to
  // '/', '\\' or a control character, so a segment is safe to compare, never a file system path.
  std::vector<std::string> path;
  HttpHeaders headers;  // names in lower case, in the order sent
  // Content-Length as sent; nullopt without one (a chunked body has none).
  std::optional<std::uint64_t> contentLength;
  bool chunked = false;
  std::string peer;  // "address:port", for log lines

  // The first header of that (lower-case) name, "" when absent.
  std::string_view header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return {};
  }
  bool hasHeader(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return true;
    }
    return false;
  }
};

// A file a response streams; the layer reads it in chunks on a worker.
class HttpFile {
 public:
  virtual ~HttpFile() = default;
  // Reads up to `size` bytes at `offset` into `buffer`; 0 only at the end of the file.
  virtual Result<std::size_t> read(std::uint64_t offset, char* buffer, std::size_t size) = 0;
};

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;  // Content-Length is the layer's: set from `body` or `fileLength`
  std::string body;     // small answers (errors); ignored when `file` is set
  std::shared_ptr<HttpFile> file;
  std::uint64_t fileOffset = 0;
  std::uint64_t fileLength = 0;

  static HttpResponse plain(int status, std::string text) {
    HttpResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
    response.body = std::move(text) + "\n";
    return response;
  }
};

// Where an accepted request body goes. Destroyed without finish() when the body was cut short
// (the client went away, a timeout): the sink then undoes what it wrote. That destructor may run
// on a shard, so it must not block: it hands its clean-up to ModuleHost::runBlocking.
class HttpBodySink {
 public:
  virtual ~HttpBodySink() = default;
  // The next bytes of the body, in order. A failure ends the request with 500.
  virtual Result<void> write(std::string_view bytes) = 0;
  // The whole body (exactly Content-Length bytes) arrived: the answer.
  virtual HttpResponse finish() = 0;
};

// What a handler decides: the answer now, or a sink for the body whose finish() answers. A body
// the handler did not ask for is not read: the answer is sent and the connection closed.
struct HttpAnswer {
  HttpResponse response;
  std::unique_ptr<HttpBodySink> body;
};

using HttpHandler = std::function<HttpAnswer(const HttpRequest&)>;

}  // namespace kontalk::api
