#pragma once
// Checkmobi validation API providers (spec §4.5), as the original server's client spoke it
// (kontalk/tigase-extension checkmobi/CheckmobiValidationClient): JSON over HTTP(S), the API
// key as the Authorization header.
//   Reverse caller id ("missedcall"): POST <url>/validation/request {"number","type":"reverse_cli"}
//     answers "id" and "cli_prefix", the visible start of the number that will call; the phone
//     step's 'from' is that prefix followed by one '?' per secret digit (the Android client
//     counts them). The user types the digits; POST <url>/validation/verify {"id","pin"}
//     answers "validated".
//   Caller id ("callerid"): the same request with "type":"cli" answers "id" and
//     "dialing_number", the number the user must call (the phone step's 'from'). The code step
//     carries no code; GET <url>/validation/status/<id> answers "validated".
//
// Request building and answer reading are separate functions, tested without a network.
// Threading: the request and answer functions are pure (any thread). The provider, like every
// provider (verification_provider.hpp), is thread-safe and blocks: workers call it.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "modules/register/http_call.hpp"
#include "modules/register/verification_provider.hpp"

namespace kontalk::modules::registration {

enum class CheckmobiMethod { ReverseCallerId, CallerId };

struct CheckmobiConfig {
  std::string url;  // base URL up to the API version ("https://api.checkmobi.com/v1")
  std::string apiKey;
  std::chrono::seconds timeout{10};
};

// The secret last digits of a reverse caller id call (Checkmobi's pin; the original server
// compared the last 4 typed characters).
inline constexpr std::size_t kMissedCallDigits = 4;

// Call initHttpCalls() once before creating one, from the main thread.
std::unique_ptr<VerificationProvider> makeCheckmobiProvider(CheckmobiMethod method,
                                                            CheckmobiConfig config);

HttpRequest checkmobiStartRequest(CheckmobiMethod method, const CheckmobiConfig& config,
                                  std::string_view phone);
// Reverse caller id: the verify request with the last kMissedCallDigits digits of `typed`;
// nullopt when it has fewer digits than that (it cannot be right). Caller id: the status
// request; `typed` is ignored.
std::optional<HttpRequest> checkmobiCheckRequest(CheckmobiMethod method,
                                                 const CheckmobiConfig& config,
                                                 std::string_view requestId,
                                                 std::string_view typed);
// The request id as the handle and the phone step's 'from', or why not.
StartOutcome checkmobiStartOutcome(CheckmobiMethod method, const HttpResponse& response);
CheckOutcome checkmobiCheckOutcome(const HttpResponse& response);

}  // namespace kontalk::modules::registration
