#include "modules/register/phone_number.hpp"

#include <openssl/sha.h>

#include "base/encoding.hpp"

namespace kontalk::modules::registration {
namespace {

// Longer input is not a phone number however it is decorated; bounds the work per request.
constexpr std::size_t kMaxInputLength = 64;
constexpr std::size_t kMinDigits = 6;
constexpr std::size_t kMaxDigits = 15;

bool isSeparator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}

}  // namespace

std::optional<std::string> normalizePhoneNumber(std::string_view input) {
  if (input.size() > kMaxInputLength) return std::nullopt;
  std::string compact;
  for (const char c : input) {
    if (isSeparator(c)) continue;
    if (c != '+' && (c < '0' || c > '9')) return std::nullopt;
    compact.push_back(c);
  }
  std::string digits;
  if (compact.starts_with('+')) {
    digits = compact.substr(1);
  } else if (compact.starts_with("00")) {
    digits = compact.substr(2);
  } else {
    return std::nullopt;  // without a country code the number is ambiguous
  }
  if (digits.find('+') != std::string::npos) return std::nullopt;
  if (digits.size() < kMinDigits || digits.size() > kMaxDigits || digits.front() == '0') {
    return std::nullopt;
  }
  return "+" + digits;
}

std::string usernameForPhoneNumber(std::string_view e164) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(e164.data()), e164.size(), digest);
  return base::hexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

bool isPhoneNumberUsername(std::string_view username) {
  return username.size() == 2 * SHA_DIGEST_LENGTH &&
         username.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace kontalk::modules::registration
