// Fuzz target: the SCRAM server exchange (RFC 5802, RFC 7677; src/stream/sasl/scram*). The input
// is up to three lines: a client-first-message, a client-final-message, and "name NUL password"
// for an honest client. Properties checked, besides the sanitizers':
//  1. A hostile client (lines 1 and 2, against both hash functions) succeeds only as the one
//     known user, and then gets the server signature; an exchange never accepts a second final.
//  2. An honest client (ScramClient) with any name and password that SASLprep accepts logs in
//     against credentials derived from that password, and verifies the server's signature.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz_check.hpp"
#include "stream/sasl/saslprep.hpp"
#include "stream/sasl/scram.hpp"
#include "stream/sasl/scram_client.hpp"

namespace {

using kontalk::fuzz::check;
namespace sasl = kontalk::sasl;

// The test vectors of RFC 5802 §5 and RFC 7677 §3: user "user", password "pencil", so that seeds
// holding the RFCs' messages reach a successful proof.
const sasl::ScramCredentials& knownCredentials(sasl::ScramHash hash) {
  static const sasl::ScramCredentials sha1 = *sasl::deriveScramCredentials(
      sasl::ScramHash::Sha1, "pencil",
      std::string("\x41\x25\xc2\x47\xe4\x3a\xb1\xe9\x3c\x6d\xff\x76", 12), 4096);
  static const sasl::ScramCredentials sha256 = *sasl::deriveScramCredentials(
      sasl::ScramHash::Sha256, "pencil",
      std::string("\x5b\x6d\x99\x68\x9d\x12\x35\x8e\xec\xa0\x4b\x14\x12\x36\xfa\x81", 16), 4096);
  return hash == sasl::ScramHash::Sha1 ? sha1 : sha256;
}

std::string_view serverNonceFor(sasl::ScramHash hash) {
  return hash == sasl::ScramHash::Sha1 ? "3rfcNHYJY1ZVvWVs7j" : "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
}

void hostileClient(sasl::ScramHash hash, std::string_view clientFirst,
                   std::string_view clientFinal) {
  sasl::ScramServerExchange exchange(hash, "localhost");
  exchange.setServerNonceForTesting(std::string(serverNonceFor(hash)));
  const auto username = exchange.handleClientFirst(clientFirst);
  if (!std::holds_alternative<std::string>(username)) {
    check(exchange.serverFirst(std::nullopt).empty(), "serverFirst after a refused first message");
    return;
  }
  const bool known = std::get<std::string>(username) == "user";
  const std::string serverFirst =
      exchange.serverFirst(known ? std::optional(knownCredentials(hash)) : std::nullopt);
  check(serverFirst.starts_with("r="), "server-first-message without nonce", serverFirst);
  const auto outcome = exchange.handleClientFinal(clientFinal);
  if (std::holds_alternative<std::string>(outcome)) {
    check(known, "an unknown user authenticated", clientFirst);
    check(std::get<std::string>(outcome).starts_with("v="), "success without server signature");
  }
  const auto second = exchange.handleClientFinal(clientFinal);
  check(std::holds_alternative<sasl::ScramServerExchange::Error>(second),
        "an exchange accepted a second client-final-message");
}

void honestClient(sasl::ScramHash hash, std::string_view line) {
  const auto separator = line.find('\0');
  if (separator == std::string_view::npos) return;
  const std::string_view name = line.substr(0, separator);
  const std::string_view password = line.substr(separator + 1);
  const auto preparedName = sasl::saslprep(name);
  // One PBKDF2 round: the property is about message syntax, not the cost.
  const auto credentials = sasl::deriveScramCredentials(hash, password, "salt", 1);
  if (!preparedName || !credentials) return;

  sasl::ScramClient client(hash);
  const auto clientFirst = client.clientFirst(name);
  check(clientFirst.has_value(), "the client refused a name SASLprep accepts", name);
  sasl::ScramServerExchange exchange(hash);
  const auto username = exchange.handleClientFirst(*clientFirst);
  check(std::holds_alternative<std::string>(username), "the server refused an honest client-first",
        *clientFirst);
  check(std::get<std::string>(username) == *preparedName, "the server read another user name",
        *clientFirst);
  const auto clientFinal = client.handleServerFirst(exchange.serverFirst(credentials), password);
  check(std::holds_alternative<std::string>(clientFinal), "the client refused the server-first");
  const auto outcome = exchange.handleClientFinal(std::get<std::string>(clientFinal));
  check(std::holds_alternative<std::string>(outcome), "an honest client failed to log in",
        *clientFirst);
  check(client.verifyServerFinal(std::get<std::string>(outcome)),
        "the client rejected the server's signature");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view lines[3];
  for (auto& line : lines) {
    const auto end = input.find('\n');
    line = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
  }
  for (const auto hash : {sasl::ScramHash::Sha1, sasl::ScramHash::Sha256}) {
    hostileClient(hash, lines[0], lines[1]);
    honestClient(hash, lines[2]);
  }
  return 0;
}
