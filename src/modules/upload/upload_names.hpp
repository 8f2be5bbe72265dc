#pragma once
// The names in upload URLs (spec §8.6): slot ids and sanitised file names; and media types as
// spec §8.7 compares them.
// Threading: pure functions (slot ids from OpenSSL's thread-safe CSPRNG); any thread.

#include <string>
#include <string_view>

namespace kontalk::modules::upload {

inline constexpr std::size_t kSlotIdLength = 32;
inline constexpr std::size_t kMaxNameLength = 128;

// 32 base64url characters from 24 CSPRNG bytes (192 bits): the URL's only secret.
std::string newSlotId();
bool isSlotId(std::string_view text);
// Spec §8.6: characters outside [A-Za-z0-9._-] become '_'; at most 128 characters, keeping the
// extension (the part from the last '.', when it is short); "file" when nothing is left.
// Leading dots become '_' too, so that no name is ".", ".." or hidden.
std::string sanitizeName(std::string_view filename);
// "type/subtype" in lower case, parameters and spaces dropped ("Image/JPEG; q=1" → "image/jpeg");
// "" when `contentType` is not of that form (RFC 9110 §8.3.1 tokens).
std::string mediaType(std::string_view contentType);

}  // namespace kontalk::modules::upload
