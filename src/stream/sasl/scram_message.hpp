#pragma once
// The attribute syntax of SCRAM messages (RFC 5802 §7), shared by the server exchange and the
// client. Internal to kontalk_sasl.
// Threading: pure functions over values; any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kontalk::sasl {

// One "x=value" attribute; `value` points into the parsed message.
struct ScramAttribute {
  char name;
  std::string_view value;
};

// Splits "a=1,b=2" into attributes. nullopt when an attribute is not ALPHA "=" value or contains a
// NUL (RFC 5802 §7: value-char excludes NUL and ','). Values may be empty; callers check.
std::optional<std::vector<ScramAttribute>> parseScramAttributes(std::string_view text);

// saslname (RFC 5802 §5.1): "," and "=" are sent as "=2C" and "=3D"; any other "=" is invalid.
std::optional<std::string> decodeSaslname(std::string_view saslname);
std::string encodeSaslname(std::string_view name);

// c-nonce / s-nonce: one or more printable ASCII characters except "," (RFC 5802 §7).
bool isValidNonce(std::string_view nonce);

// A decimal iteration count without sign or leading zeros, 1..max. nullopt otherwise.
std::optional<std::uint32_t> parseIterationCount(std::string_view text, std::uint32_t max);

}  // namespace kontalk::sasl
