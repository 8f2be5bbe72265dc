#pragma once
// Byte encodings used across the server (SASL, keys, tokens).
// Threading: pure functions (randomness from OpenSSL's thread-safe CSPRNG); any thread.

#include <optional>
#include <string>
#include <string_view>

namespace kontalk::base {

std::string base64Encode(std::string_view bytes);
// Strict RFC 4648 base64 with padding; whitespace is not allowed. nullopt for invalid input.
std::optional<std::string> base64Decode(std::string_view text);
std::string hexEncode(std::string_view bytes);  // lowercase
// Cryptographically secure random bytes (OpenSSL RAND_bytes).
std::string randomBytes(std::size_t count);
// Random string over [a-zA-Z0-9] of the given length, e.g. for generated resources and stream ids.
std::string randomAlphanumeric(std::size_t length);

}  // namespace kontalk::base
