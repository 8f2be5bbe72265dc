#include "modules/register/http_provider.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "modules/register/http_call.hpp"

namespace kontalk::modules::registration {
namespace {

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

class HttpProvider final : public CodeProvider {
 public:
  explicit HttpProvider(HttpProviderConfig config)
      : CodeProvider(config.senderId), config_(std::move(config)) {}

  std::string_view name() const override { return "http"; }

 protected:
  // A gateway's answer is only looked at for its status.
  Result<void> deliver(std::string_view, std::string_view phone, const std::string& code) override {
    HttpRequest request;
    request.method = HttpRequest::Method::Post;
    request.url = config_.url;
    request.headers.push_back("Content-Type: " + config_.contentType);
    if (!config_.authorization.empty()) {
      request.headers.push_back("Authorization: " + config_.authorization);
    }
    request.body = renderBody(config_, phone, code);
    auto response = performHttp(request, {config_.timeout, config_.insecureTls});
    if (!response) return tl::unexpected(std::move(response.error()));
    if (!isSuccess(response->status)) {
      return tl::unexpected(
          statusFailure(response->status,
                        fmt::format("POST {} answered HTTP {}", config_.url, response->status)));
    }
    spdlog::info("register: verification code for {} sent through {}", phone, config_.url);
    return {};
  }

 private:
  HttpProviderConfig config_;
};

}  // namespace

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
