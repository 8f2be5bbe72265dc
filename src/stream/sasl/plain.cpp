#include "stream/sasl/plain.hpp"

#include "stream/sasl/saslprep.hpp"

namespace kontalk::sasl {
namespace {

// RFC 4616 §2 requires accepting fields of up to 255 octets; we allow more but bound the work.
constexpr std::size_t kMaxFieldBytes = 1024;

}  // namespace

std::optional<PlainCredentials> parsePlainMessage(std::string_view message) {
  const auto first = message.find('\0');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = message.find('\0', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  // A third NUL would be inside the password, which RFC 4616's grammar (UTF8SAFE) excludes.
  if (message.find('\0', second + 1) != std::string_view::npos) return std::nullopt;

  const auto authzid = message.substr(0, first);
  const auto authcid = message.substr(first + 1, second - first - 1);
  const auto password = message.substr(second + 1);
  if (authcid.empty() || password.empty()) return std::nullopt;
  if (authzid.size() > kMaxFieldBytes || authcid.size() > kMaxFieldBytes ||
      password.size() > kMaxFieldBytes) {
    return std::nullopt;
  }
  auto username = saslprep(authcid);
  if (!username) return std::nullopt;
  return PlainCredentials{std::string(authzid), std::move(*username), std::string(password)};
}

}  // namespace kontalk::sasl
