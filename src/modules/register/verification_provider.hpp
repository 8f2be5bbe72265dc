#pragma once
// Verification providers (spec §4.5): how the server proves that a user holds a phone number.
// One interface, chosen in [modules.register] (provider, fallback_provider).
//
// Threading: start() and verify() block (files, network): call them from the worker pool. A
// provider may be used from several workers at once; implementations are thread-safe.

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace kontalk::modules::registration {

class VerificationProvider {
 public:
  virtual ~VerificationProvider() = default;

  // The configuration name ("log", "fixed", "http"), stored with each pending request so that
  // the provider that started a verification also checks it.
  virtual std::string_view name() const = 0;
  // The challenge type of spec §4.1 ("pin", "missedcall", "verifier").
  virtual std::string_view challengeType() const = 0;
  // Who the user will see as the sender (the form's 'from' field, spec §4.1).
  virtual std::string_view senderId() const = 0;
  // Human-readable acknowledgement for the registration reply's <instructions/>.
  virtual std::string instructions(std::string_view phone) const = 0;

  // Starts verifying `phone` (E.164) for an account of `domain`. Returns the handle verify()
  // needs (a code, or a provider's request id), or why it failed (for the server log only).
  virtual tl::expected<std::string, std::string> start(std::string_view domain,
                                                       std::string_view phone) = 0;
  // Whether `code`, as the user typed it, answers the verification that returned `handle`.
  virtual bool verify(std::string_view handle, std::string_view code) = 0;
};

}  // namespace kontalk::modules::registration
