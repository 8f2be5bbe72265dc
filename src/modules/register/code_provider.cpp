#include "modules/register/code_provider.hpp"

#include <openssl/crypto.h>

#include "base/encoding.hpp"

namespace kontalk::modules::registration {
namespace {

// Six digits, as the original server's data-store provider (spec §4.5) and Kontalk clients
// expect.
constexpr std::size_t kCodeDigits = 6;

}  // namespace

std::string randomDigits(std::size_t digits) {
  std::string code;
  while (code.size() < digits) {
    // Rejection sampling: bytes >= 250 would make 0..5 likelier than 6..9.
    for (const char byte : base::randomBytes(digits)) {
      const auto value = static_cast<unsigned char>(byte);
      if (value < 250 && code.size() < digits) code.push_back(static_cast<char>('0' + value % 10));
    }
  }
  return code;
}

std::string CodeProvider::instructions(std::string_view phone) const {
  return "A text message with a code has been sent to " + std::string(phone) + ".";
}

std::string CodeProvider::makeCode() {
  return randomDigits(kCodeDigits);
}

StartOutcome CodeProvider::start(std::string_view domain, std::string_view phone) {
  std::string code = makeCode();
  if (auto delivered = deliver(domain, phone, code); !delivered) {
    return tl::unexpected(std::move(delivered.error()));
  }
  return VerificationStarted{std::move(code), std::nullopt};
}

CheckOutcome CodeProvider::check(std::string_view handle, std::string_view code) {
  // Constant time: the comparison must not tell an attacker how many leading digits are right.
  const bool right = !handle.empty() && handle.size() == code.size() &&
                     CRYPTO_memcmp(handle.data(), code.data(), code.size()) == 0;
  return right ? CodeCheck::Accepted : CodeCheck::WrongCode;
}

}  // namespace kontalk::modules::registration
