#pragma once
// The SCRAM functions of RFC 5802 §2.2 (H, HMAC, Hi, XOR), shared by the server exchange and the
// client. Internal to kontalk_sasl. All strings hold raw bytes.
// Threading: pure functions over values; any thread.

#include <cstdint>
#include <string>
#include <string_view>

#include "stream/sasl/scram.hpp"

namespace kontalk::sasl {

std::size_t digestSize(ScramHash hash);
std::string digest(ScramHash hash, std::string_view data);
std::string hmac(ScramHash hash, std::string_view key, std::string_view data);
// Hi(password, salt, i): PBKDF2 with HMAC as the PRF and one block of output. `iterations` must be
// 1..INT32_MAX (callers validate what a peer sends); otherwise std::invalid_argument.
std::string saltedPassword(ScramHash hash, std::string_view password, std::string_view salt,
                           std::uint32_t iterations);
// Byte-wise XOR of two strings of equal length.
std::string xorBytes(std::string_view a, std::string_view b);
// Constant-time equality (CRYPTO_memcmp), so a timing probe cannot learn matching prefixes.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace kontalk::sasl
