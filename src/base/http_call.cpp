#include "base/http_call.hpp"

#include <curl/curl.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>

#include <fmt/format.h>

namespace kontalk::base {
namespace {

struct EasyCleanup {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct ListCleanup {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::size_t collectBody(char* data, std::size_t size, std::size_t count, void* userData) {
  auto& body = *static_cast<std::string*>(userData);
  const std::size_t bytes = size * count;
  // Returning less than given makes curl abort the transfer (CURLE_WRITE_ERROR).
  if (body.size() + bytes > kMaxResponseBytes) return 0;
  body.append(data, bytes);
  return bytes;
}

// Retry-After as delay-seconds; the HTTP-date form is rare for the services used and ignored.
std::size_t collectHeader(char* data, std::size_t size, std::size_t count, void* userData) {
  auto& retryAfter = *static_cast<std::optional<std::chrono::seconds>*>(userData);
  const std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    std::string name(line.substr(0, kName.size()));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == kName) {
      long seconds = -1;
      std::string value(line.substr(kName.size()));
      char* end = nullptr;
      seconds = std::strtol(value.c_str(), &end, 10);
      if (end != value.c_str() && seconds >= 0 && seconds <= 86400) {
        retryAfter = std::chrono::seconds(seconds);
      }
    }
  }
  return size * count;
}

std::atomic<bool> abandoned{false};

// Nonzero aborts the transfer (CURLE_ABORTED_BY_CALLBACK).
int checkAbandoned(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return abandoned.load() ? 1 : 0;
}

}  // namespace

void abandonHttpCalls() {
  abandoned.store(true);
}

void initHttpCalls() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<HttpResponse> performHttp(const HttpRequest& request, const HttpOptions& options) {
  if (abandoned.load()) {
    return failure(StatusCode::Unavailable, describeRequest(request) + " abandoned: shutting down");
  }
  std::unique_ptr<CURL, EasyCleanup> curl(curl_easy_init());
  if (!curl) return failure(StatusCode::Internal, "curl_easy_init failed");
  curl_slist* headers = nullptr;
  for (const auto& header : request.headers) headers = curl_slist_append(headers, header.c_str());
  std::unique_ptr<curl_slist, ListCleanup> headerList(headers);
  HttpResponse response;
  char errorText[CURL_ERROR_SIZE] = {};
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM timeouts
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headerList.get());
  if (request.method == HttpRequest::Method::Post) {
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  } else {
    curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, collectBody);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, collectHeader);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &response.retryAfter);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errorText);
  curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, checkAbandoned);
  curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
  if (options.insecureTls) {
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  const CURLcode result = curl_easy_perform(handle);
  if (result != CURLE_OK) {
    // No complete answer: the service may answer later (or another one now).
    return failure(
        result == CURLE_OPERATION_TIMEDOUT ? StatusCode::Timeout : StatusCode::Unavailable,
        fmt::format("{} failed: {}", describeRequest(request),
                    errorText[0] != '\0' ? errorText : curl_easy_strerror(result)));
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

bool isSuccess(long status) {
  return status >= 200 && status <= 299;
}

std::string percentEncode(std::string_view value) {
  std::string out;
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", byte);
    }
  }
  return out;
}

std::string formEncode(const std::vector<std::pair<std::string_view, std::string_view>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += percentEncode(name);
    out.push_back('=');
    out += percentEncode(value);
  }
  return out;
}

std::string describeRequest(const HttpRequest& request) {
  const std::string_view url = request.url;
  const auto query = url.find('?');
  return fmt::format("{} {}", request.method == HttpRequest::Method::Post ? "POST" : "GET",
                     url.substr(0, query));
}

}  // namespace kontalk::base
