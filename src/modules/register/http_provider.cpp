#include "modules/register/http_provider.hpp"

#include <curl/curl.h>

#include <cctype>

#include <memory>
#include <mutex>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace kontalk::modules::registration {
namespace {

// A gateway's answer is only looked at for its status; its body is read and dropped, bounded.
constexpr std::size_t kMaxResponseBytes = 64 * 1024;

struct EasyCleanup {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct ListCleanup {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

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

std::string jsonEscape(std::string_view value) {
  std::string out;
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      out += fmt::format("\\u{:04x}", byte);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void replaceAll(std::string& text, std::string_view placeholder, const std::string& value) {
  for (auto at = text.find(placeholder); at != std::string::npos;
       at = text.find(placeholder, at + value.size())) {
    text.replace(at, placeholder.size(), value);
  }
}

std::size_t discardBody(char*, std::size_t size, std::size_t count, void* userData) {
  auto& received = *static_cast<std::size_t*>(userData);
  received += size * count;
  // Returning less than given makes curl abort the transfer (CURLE_WRITE_ERROR).
  return received > kMaxResponseBytes ? 0 : size * count;
}

class HttpProvider final : public CodeProvider {
 public:
  explicit HttpProvider(HttpProviderConfig config)
      : CodeProvider(config.senderId), config_(std::move(config)) {}

  std::string_view name() const override { return "http"; }

 protected:
  tl::expected<void, std::string> deliver(std::string_view, std::string_view phone,
                                          const std::string& code) override {
    std::unique_ptr<CURL, EasyCleanup> curl(curl_easy_init());
    if (!curl) return tl::unexpected(std::string("curl_easy_init failed"));
    const std::string body = renderBody(config_, phone, code);
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, ("Content-Type: " + config_.contentType).c_str());
    if (!config_.authorization.empty()) {
      headers = curl_slist_append(headers, ("Authorization: " + config_.authorization).c_str());
    }
    std::unique_ptr<curl_slist, ListCleanup> headerList(headers);
    std::size_t received = 0;
    char errorText[CURL_ERROR_SIZE] = {};
    CURL* handle = curl.get();
    curl_easy_setopt(handle, CURLOPT_URL, config_.url.c_str());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM timeouts
    curl_easy_setopt(handle, CURLOPT_TIMEOUT, static_cast<long>(config_.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headerList.get());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, discardBody);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &received);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errorText);
    if (config_.insecureTls) {
      curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    const CURLcode result = curl_easy_perform(handle);
    if (result != CURLE_OK) {
      return tl::unexpected(
          fmt::format("POST {} failed: {}", config_.url,
                      errorText[0] != '\0' ? errorText : curl_easy_strerror(result)));
    }
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
      return tl::unexpected(fmt::format("POST {} answered HTTP {}", config_.url, status));
    }
    spdlog::info("register: verification code for {} sent through {}", phone, config_.url);
    return {};
  }

 private:
  HttpProviderConfig config_;
};

}  // namespace

void initHttpProviders() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string renderBody(const HttpProviderConfig& config, std::string_view phone,
                       std::string_view code) {
  const bool json = config.contentType.find("json") != std::string::npos;
  auto escape = [json](std::string_view value) {
    return json ? jsonEscape(value) : percentEncode(value);
  };
  std::string body = config.body;
  replaceAll(body, "{phone}", escape(phone));
  replaceAll(body, "{code}", escape(code));
  replaceAll(body, "{sender}", escape(config.senderId));
  return body;
}

std::unique_ptr<VerificationProvider> makeHttpProvider(HttpProviderConfig config) {
  return std::make_unique<HttpProvider>(std::move(config));
}

}  // namespace kontalk::modules::registration
