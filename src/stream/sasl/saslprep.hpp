#pragma once
// SASLprep (RFC 4013), the stringprep profile for SASL user names and passwords, via libidn.
// Threading: a pure function (libidn keeps no state); any thread.

#include <optional>
#include <string>
#include <string_view>

namespace kontalk::sasl {

// Prepares a user name or password as a "stored string" (RFC 3454 §7: unassigned code points are
// refused), which RFC 5802 §2.2 requires for SCRAM. nullopt for bad UTF-8, prohibited code points
// (controls, non-characters, ...), a failed bidi check, or an empty result: SASL identities and
// passwords are never empty. Thread-safe.
std::optional<std::string> saslprep(std::string_view text);

}  // namespace kontalk::sasl
