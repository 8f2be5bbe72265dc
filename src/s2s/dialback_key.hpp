#pragma once
// Server Dialback keys (XEP-0220 §2.1.1), generated as XEP-0185 §3 recommends:
// HMAC-SHA256 keyed with SHA-256(secret) over "Receiving Originating StreamID", as lowercase hex.
// The secret is random per process: a key only has to survive until the peer has checked it
// over a link to this same process.
// Threading: pure functions; any thread.

#include <string>
#include <string_view>

namespace kontalk::s2s {

std::string dialbackKey(std::string_view secret, std::string_view receiving,
                        std::string_view originating, std::string_view streamId);

// Compares in constant time (the key is a MAC).
bool dialbackKeyMatches(std::string_view secret, std::string_view receiving,
                        std::string_view originating, std::string_view streamId,
                        std::string_view key);

}  // namespace kontalk::s2s
