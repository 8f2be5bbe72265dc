#pragma once
// Verify-API providers of the Nexmo shape (spec §4.5, challenge "pin"): the service makes the
// code, sends it and checks it; the server only relays. Two dialects, as the original server's
// clients spoke them (kontalk/tigase-extension NexmoVerifyProvider, jmp/JmpVerifyClient):
//   Vonage (Nexmo) Verify: POST <url>/verify/json and <url>/verify/check/json, form bodies;
//   JMP: GET <url>/verify and <url>/verify/check, query strings.
// Both take api_key and api_secret with every call and answer a JSON object with "status" (a
// number, or a string of digits), "request_id" and "error_text".
//
// Request building and answer reading are separate functions so that they are tested without a
// network; the provider only joins them with performHttp().
// Threading: the request and answer functions are pure (any thread). The provider, like every
// provider (verification_provider.hpp), is thread-safe and blocks: workers call it.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "modules/register/http_call.hpp"
#include "modules/register/verification_provider.hpp"

namespace kontalk::modules::registration {

enum class VerifyApiDialect { Vonage, Jmp };

struct VerifyApiConfig {
  std::string url;  // base URL, without a trailing slash
  std::string apiKey;
  std::string apiSecret;
  std::string brand;     // the name the service puts into its message
  std::string senderId;  // Vonage: the SMS sender id; also the phone step's 'from'
  std::chrono::seconds timeout{10};
};

// Call initHttpCalls() once before creating one, from the main thread.
std::unique_ptr<VerificationProvider> makeVerifyApiProvider(VerifyApiDialect dialect,
                                                            VerifyApiConfig config);

// The request that starts verifying `phone` (E.164).
HttpRequest verifyApiStartRequest(VerifyApiDialect dialect, const VerifyApiConfig& config,
                                  std::string_view phone);
// The request that checks `code` against the verification `requestId`.
HttpRequest verifyApiCheckRequest(VerifyApiDialect dialect, const VerifyApiConfig& config,
                                  std::string_view requestId, std::string_view code);
// What the service's answer to a start request means: the request id as the handle, or why not.
StartOutcome verifyApiStartOutcome(VerifyApiDialect dialect, const HttpResponse& response);
// What the service's answer to a check request means.
CheckOutcome verifyApiCheckOutcome(VerifyApiDialect dialect, const HttpResponse& response);

}  // namespace kontalk::modules::registration
