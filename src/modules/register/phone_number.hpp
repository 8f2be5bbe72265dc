#pragma once
// Kontalk identities (spec §1): a user is a phone number in E.164 form, and the JID localpart is
// the lowercase hex SHA-1 of that string.
// Threading: pure functions over values; any thread.

#include <optional>
#include <string>
#include <string_view>

namespace kontalk::modules::registration {

// E.164 (ITU-T E.164 §6: at most 15 digits) from what a user typed: spaces, dashes, dots and
// brackets are dropped, a leading "00" (international call prefix) becomes '+'. The result is
// '+' and 6 to 15 digits, the first not 0 (country codes never start with 0); nullopt otherwise.
std::optional<std::string> normalizePhoneNumber(std::string_view input);

// The JID localpart of the user with this E.164 number: sha1("+15555215554") =
// "4bdd4f929f3a1062253e4e496bafba0bdfb5db75".
std::string usernameForPhoneNumber(std::string_view e164);
// Whether `username` has the form usernameForPhoneNumber gives: 40 lowercase hex digits.
bool isPhoneNumberUsername(std::string_view username);

}  // namespace kontalk::modules::registration
