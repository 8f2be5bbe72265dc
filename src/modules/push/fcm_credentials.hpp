#pragma once
// FCM HTTP v1's OAuth 2.0 service-account flow (spec §8.3; RFC 7523 §2.1): the service account
// read from its JSON key, the RS256-signed JWT assertion, and the token endpoint's answer.
// Pure apart from the signature (OpenSSL).
// Threading: any thread.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.hpp"

namespace kontalk::modules::push {

struct ServiceAccount {
  std::string projectId;
  std::string clientEmail;
  std::string privateKeyPem;  // PKCS#8, as Google writes it
  std::string tokenUri;
};

inline constexpr const char* kFcmScope = "https://www.googleapis.com/auth/firebase.messaging";
// Spec §8.3: exp = iat + 3600, the longest Google accepts.
inline constexpr std::int64_t kAssertionLifetime = 3600;

// The service account JSON; InvalidArgument naming the missing or bad field.
Result<ServiceAccount> readServiceAccount(std::string_view json);

// base64url without padding (RFC 7515 §2).
std::string base64Url(std::string_view bytes);

// The JWT header.claims (both base64url), the part that is signed.
std::string assertionSigningInput(const ServiceAccount& account, std::int64_t issuedAt);

// The signed assertion: header.claims.signature, RS256 (RFC 7518 §3.3) with the account's key.
Result<std::string> makeAssertion(const ServiceAccount& account, std::int64_t issuedAt);

// The form body of the token request (RFC 7523 §2.1).
std::string tokenRequestBody(std::string_view assertion);

struct AccessToken {
  std::string token;
  std::chrono::seconds expiresIn{0};
};

// The token endpoint's JSON answer: access_token and expires_in.
Result<AccessToken> readTokenAnswer(std::string_view json);

}  // namespace kontalk::modules::push
