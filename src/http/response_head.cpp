#include "http/response_head.hpp"

#include <strings.h>
#include <ctime>

#include <boost/beast/http/status.hpp>

namespace kontalk::http {
namespace {

// RFC 9110 §5.6.7 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string httpDate() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[64];
  const auto size = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return std::string(text, size);
}

bool layerOwned(const std::string& name) {
  return strcasecmp(name.c_str(), "content-length") == 0 ||
         strcasecmp(name.c_str(), "connection") == 0 || strcasecmp(name.c_str(), "date") == 0;
}

// A header that would break the framing (CR, LF, NUL) is dropped: a handler's bug must not
// become response splitting.
bool breaksFraming(const std::string& text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos;
}

}  // namespace

std::string formatResponseHead(int status, const api::HttpHeaders& headers,
                               std::uint64_t contentLength, bool close) {
  namespace beast_http = boost::beast::http;
  const auto reason = beast_http::obsolete_reason(static_cast<beast_http::status>(status));
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  head += "Date: " + httpDate() + "\r\n";
  for (const auto& [name, value] : headers) {
    if (layerOwned(name) || breaksFraming(name) || breaksFraming(value)) continue;
    head += name + ": " + value + "\r\n";
  }
  head += "Content-Length: " + std::to_string(contentLength) + "\r\n";
  if (close) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

}  // namespace kontalk::http
