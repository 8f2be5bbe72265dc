#pragma once
// An SMS gateway over HTTP(S) (issue item 5): the server makes the code and POSTs it with the
// phone number to a configurable endpoint (libcurl). Works with gateways that take a form or a
// JSON body; the body is a template with placeholders {phone}, {code} and {sender}, which are
// substituted escaped for the content type.
// Threading: renderBody() is pure (any thread). The provider, like every provider
// (verification_provider.hpp), is thread-safe and blocks: workers call it.

#include <chrono>
#include <memory>
#include <string>

#include "modules/register/code_provider.hpp"

namespace kontalk::modules::registration {

struct HttpProviderConfig {
  std::string url;            // http:// or https:// endpoint
  std::string body;           // template
  std::string contentType;    // "application/x-www-form-urlencoded" or "application/json"
  std::string authorization;  // value of an Authorization header; empty: none
  std::chrono::seconds timeout{10};
  // Skips TLS certificate verification: only for tests against a self-signed local gateway.
  bool insecureTls = false;
  std::string senderId;
};

// Call initHttpCalls() (http_call.hpp) once before creating one, from the main thread.
std::unique_ptr<VerificationProvider> makeHttpProvider(HttpProviderConfig config);

// The body for one message: `templateText` with each placeholder replaced by the escaped value.
std::string renderBody(const HttpProviderConfig& config, std::string_view phone,
                       std::string_view code);

}  // namespace kontalk::modules::registration
