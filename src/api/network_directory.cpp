#include "api/network_directory.hpp"

#include <cctype>

#include "xmpp/jid.hpp"

namespace kontalk::api {

std::optional<std::string> normalizeFingerprint(std::string_view text) {
  if (text.size() != 40) return std::nullopt;
  std::string fingerprint;
  for (const char c : text) {
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return std::nullopt;
    fingerprint.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return fingerprint;
}

std::optional<std::string> normalizeDomain(std::string_view text) {
  const auto jid = xmpp::Jid::parse(text);
  if (!jid || !jid->isDomain() || jid->domain().empty()) return std::nullopt;
  return jid->domain();
}

}  // namespace kontalk::api
