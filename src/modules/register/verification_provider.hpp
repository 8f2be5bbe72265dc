#pragma once
// Verification providers (spec §4.5): how the server proves that a user holds a phone number.
// One interface, chosen in [modules.register] (provider, fallback_provider).
//
// Outcomes are typed (ARCHITECTURE.md §10, one status vocabulary): the phone step and the code
// step decide from the kind of an outcome what the client is told and whether the fallback
// provider is tried, never from its text, which is for the server log only.
//
// Threading: start() and check() block (files, network): call them from the worker pool. A
// provider may be used from several workers at once; implementations are thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "base/status.hpp"

namespace kontalk::modules::registration {

// Provider failures are the server's Status (base/status.hpp), and the phone and code steps act
// on their code:
//  - transient (Unavailable, Timeout: no answer, a network error, HTTP 5xx, the provider's own
//    overload): the phone step tries the fallback provider (spec §4.1); the code step keeps the
//    verification pending and tells the client to wait;
//  - Overloaded: the provider already runs a verification for this number (JMP's "concurrent
//    request"): the client must wait like a throttled one (spec §4.5), no fallback;
//  - permanent (the provider refused: a number it cannot reach, bad credentials, an unknown or
//    finished verification, an answer we cannot read): the phone step tries the fallback; the
//    code step ends the verification.
inline Status providerUnavailable(std::string detail) {
  return Status{StatusCode::Unavailable, std::move(detail)};
}
inline Status providerRefused(std::string detail) {
  return Status{StatusCode::InvalidArgument, std::move(detail)};
}
inline Status providerBusy(std::string detail) {
  return Status{StatusCode::Overloaded, std::move(detail)};
}

// A verification the provider has started.
struct VerificationStarted {
  // What check() needs later: the code itself, or the provider's request id. Stored with the
  // pending verification.
  std::string handle;
  // The phone step's 'from' for this request when the provider decides it (spec §4.5: the
  // number that will call, with the secret digits as '?'; the number the user must call);
  // nullopt: senderId().
  std::optional<std::string> sender;
};

// What the provider says about the code a user submitted.
enum class CodeCheck {
  Accepted,
  // Not (yet) the right answer: a wrong code, or for "callerid" no call has arrived. Counts as
  // a failed attempt; never a reason to try another provider.
  WrongCode,
};

using StartOutcome = Result<VerificationStarted>;
using CheckOutcome = Result<CodeCheck>;

// Whether `id`, a request id a provider's service answered, is fit to be stored as a handle and
// sent back: 1 to 128 visible ASCII characters.
bool isUsableRequestId(std::string_view id);

// Challenge types of spec §4.1 and §4.5, as clients name them.
inline constexpr std::string_view kChallengePin = "pin";
inline constexpr std::string_view kChallengeMissedCall = "missedcall";
inline constexpr std::string_view kChallengeCallerId = "callerid";

class VerificationProvider {
 public:
  virtual ~VerificationProvider() = default;

  // The configuration name ("log", "fixed", "http", "vonage", ...), stored with each pending
  // request so that the provider that started a verification also checks it.
  virtual std::string_view name() const = 0;
  // The challenge type (kChallenge*), which the phone step's reply names and clients choose by.
  virtual std::string_view challengeType() const = 0;
  // Who the user will see as the sender (the form's 'from' field, spec §4.1), unless start()
  // names another.
  virtual std::string_view senderId() const = 0;
  // Human-readable acknowledgement for the registration reply's <instructions/>.
  virtual std::string instructions(std::string_view phone) const = 0;

  // Starts verifying `phone` (E.164) for an account of `domain`.
  virtual StartOutcome start(std::string_view domain, std::string_view phone) = 0;
  // Whether `code`, as the user typed it, answers the verification that start() returned
  // `handle` for. `code` is empty when the client sent none (spec §4.5 "callerid").
  virtual CheckOutcome check(std::string_view handle, std::string_view code) = 0;

  // Whether the code step must carry a code: not for "callerid", where the provider is asked
  // whether the user's call arrived (spec §4.5).
  bool needsCode() const { return challengeType() != kChallengeCallerId; }
};

}  // namespace kontalk::modules::registration
