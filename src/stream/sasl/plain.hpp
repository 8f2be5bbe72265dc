#pragma once
// SASL PLAIN (RFC 4616) message parsing. Offered only over TLS.
// Threading: a pure function over values; any thread.

#include <optional>
#include <string>
#include <string_view>

namespace kontalk::sasl {

struct PlainCredentials {
  std::string authzid;   // as sent (an XMPP address when present, RFC 6120 §6.3.8); may be empty
  std::string username;  // SASLprep'd authcid
  std::string password;  // as sent; verifyPassword() applies SASLprep
};

// Parses "[authzid] NUL authcid NUL passwd". nullopt when malformed: not exactly three fields, an
// empty authcid or password, a field over 1024 bytes, or an authcid that SASLprep rejects.
std::optional<PlainCredentials> parsePlainMessage(std::string_view message);

}  // namespace kontalk::sasl
