#include "http/metrics_endpoint.hpp"

#include <optional>
#include <string>

#include <spdlog/spdlog.h>

#include "base/prometheus_text.hpp"

namespace kontalk::http {
namespace {

HttpSettings endpointSettings(HttpSettings settings) {
  settings.tls = false;
  settings.websocketPath.clear();
  return settings;
}

// Only GET and HEAD of the exact path: anything else is the operator's typo.
std::optional<api::HttpResponse> refusal(const api::HttpRequest& request) {
  if (!request.path.empty()) return api::HttpResponse::plain(404, "Not found");
  if (request.method != "GET" && request.method != "HEAD") {
    auto response = api::HttpResponse::plain(405, "Method not allowed");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  return std::nullopt;
}

}  // namespace

MetricsEndpoint::MetricsEndpoint(const HttpSettings& settings, core::WorkerPool& workers,
                                 HealthCheck health)
    : settings_(endpointSettings(settings)),
      health_(std::move(health)),
      metrics_([](const api::HttpRequest& request) {
        if (auto refused = refusal(request)) return api::HttpAnswer{std::move(*refused), {}};
        api::HttpResponse response;
        response.headers = {{"Content-Type", std::string(base::metrics::kPrometheusContentType)}};
        response.body = base::metrics::formatPrometheusText(base::metrics::registry().snapshot());
        return api::HttpAnswer{std::move(response), {}};
      }),
      healthz_([this](const api::HttpRequest& request) {
        if (auto refused = refusal(request)) return api::HttpAnswer{std::move(*refused), {}};
        auto healthy = health_();
        if (lastHealthy_.exchange(healthy.has_value()) != healthy.has_value()) {
          if (healthy) {
            spdlog::info("healthz: ready again");
          } else {
            spdlog::warn("healthz: not ready: {}", healthy.error().describe());
          }
        }
        if (!healthy) {
          return api::HttpAnswer{
              api::HttpResponse::plain(503, "not ready: " + healthy.error().describe()), {}};
        }
        return api::HttpAnswer{api::HttpResponse::plain(200, "ok"), {}};
      }),
      server_(settings_, nullptr, workers, [this](std::string_view path) { return route(path); }) {}

std::pair<const api::HttpHandler*, std::size_t> MetricsEndpoint::route(
    std::string_view path) const {
  const auto segment = path.substr(0, path.find('/', 1));
  if (segment == "/metrics") return {&metrics_, 1};
  if (segment == "/healthz") return {&healthz_, 1};
  return {nullptr, 0};
}

}  // namespace kontalk::http
