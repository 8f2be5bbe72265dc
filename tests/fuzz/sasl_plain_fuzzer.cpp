// Fuzz target: SASL PLAIN messages (RFC 4616, src/stream/sasl/plain). The input is the decoded
// <auth/> payload. Properties checked, besides the sanitizers': accepted credentials keep the
// parser's documented bounds, and the user name is already SASLprep'd (preparing it again is a
// no-op, RFC 4013 is idempotent on its output).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "stream/sasl/plain.hpp"
#include "stream/sasl/saslprep.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using kontalk::fuzz::check;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto credentials = kontalk::sasl::parsePlainMessage(input);
  if (!credentials) return 0;
  check(!credentials->username.empty() && !credentials->password.empty(),
        "empty user name or password accepted");
  check(credentials->authzid.size() <= 1024 && credentials->password.size() <= 1024,
        "a field over 1024 bytes accepted");
  check(credentials->authzid.find('\0') == std::string_view::npos &&
            credentials->password.find('\0') == std::string_view::npos,
        "a field holds NUL");
  const auto again = kontalk::sasl::saslprep(credentials->username);
  check(again.has_value() && *again == credentials->username, "SASLprep is not idempotent",
        credentials->username);
  return 0;
}
