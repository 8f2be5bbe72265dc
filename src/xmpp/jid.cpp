#include "xmpp/jid.hpp"

#include <arpa/inet.h>
#include <stringprep.h>

#include <algorithm>
#include <array>

namespace kontalk::xmpp {
namespace {

// RFC 7622 §3.3.1, §3.2.1, §3.4.1: every part is 1..1023 octets once prepared.
constexpr std::size_t kMaxPartBytes = 1023;

bool isAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool isAsciiControl(char c) {
  // Stringprep table C.2.1 (RFC 3454): U+0000..U+001F and U+007F.
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}

char asciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Runs a libidn stringprep profile. The output may be longer than the input (case folding of
// "ß" gives "ss") or shorter (characters mapped to nothing), so the buffer has room for the
// largest valid result; a result that does not fit is over the length limit anyway. libidn rejects
// bad UTF-8 itself (STRINGPREP_ICONV_ERROR).
std::optional<std::string> runProfile(std::string_view text, const Stringprep_profile* profile) {
  // The buffer is NUL-terminated for libidn: an embedded NUL would silently truncate the input.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  std::string buffer(text);
  buffer.resize(std::max(text.size(), kMaxPartBytes) + 1, '\0');
  if (stringprep(buffer.data(), buffer.size(), Stringprep_profile_flags{}, profile) !=
      STRINGPREP_OK) {
    return std::nullopt;
  }
  buffer.resize(buffer.find('\0'));
  return buffer;
}

std::optional<std::string> checkLength(std::optional<std::string> prepared) {
  if (!prepared || prepared->empty() || prepared->size() > kMaxPartBytes) return std::nullopt;
  return prepared;
}

// Nodeprep (RFC 6122 Appendix A) on pure ASCII reduces to: fold A-Z, prohibit controls, space
// (table C.1.1) and the characters of Appendix A.5. NFKC and the bidi rule are no-ops on ASCII.
std::optional<std::string> asciiNodeprep(std::string_view text) {
  constexpr std::string_view kProhibited = " \"&'/:<>@";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (isAsciiControl(c) || kProhibited.find(c) != std::string_view::npos) return std::nullopt;
    out += asciiLower(c);
  }
  return out;
}

// Resourceprep (RFC 6122 Appendix B) on pure ASCII only prohibits controls: space is allowed.
std::optional<std::string> asciiResourceprep(std::string_view text) {
  if (std::any_of(text.begin(), text.end(), isAsciiControl)) return std::nullopt;
  return std::string(text);
}

// Nameprep itself allows any ASCII; RFC 7622 §3.2 requires a domainpart to be a host name (IDNA
// with the STD 3 rules: letters, digits, hyphen) or an IP literal. Underscore is accepted too
// because deployed internal service names use it.
bool isAllowedDomainAscii(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

bool hasValidLabels(std::string_view domain) {
  if (domain.front() == '.' || domain.back() == '.') return false;
  if (domain.find("..") != std::string_view::npos) return false;
  return std::all_of(domain.begin(), domain.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x80 || isAllowedDomainAscii(c);
  });
}

// RFC 7622 §3.2: an IPv6 address in brackets (RFC 3986 IP-literal); the address is kept as
// written but lowercased, so that "[::A]" and "[::a]" compare equal.
std::optional<std::string> prepareIpv6Literal(std::string_view domain) {
  if (domain.size() < 3 || domain.back() != ']') return std::nullopt;
  const std::string address(domain.substr(1, domain.size() - 2));
  // inet_pton reads a C string: whatever follows an embedded NUL would go unchecked into the
  // domainpart (NUL, '@', '/', controls), and the JID's text would parse as another JID.
  if (address.find('\0') != std::string::npos) return std::nullopt;
  std::array<unsigned char, 16> parsed{};
  if (inet_pton(AF_INET6, address.c_str(), parsed.data()) != 1) return std::nullopt;
  std::string out(domain);
  std::transform(out.begin(), out.end(), out.begin(), asciiLower);
  return out;
}

}  // namespace

std::optional<std::string> nodeprep(std::string_view local) {
  if (isAscii(local)) return checkLength(asciiNodeprep(local));
  return checkLength(runProfile(local, stringprep_xmpp_nodeprep));
}

std::optional<std::string> resourceprep(std::string_view resource) {
  if (isAscii(resource)) return checkLength(asciiResourceprep(resource));
  return checkLength(runProfile(resource, stringprep_xmpp_resourceprep));
}

std::optional<std::string> nameprep(std::string_view domain) {
  // RFC 7622 §3.2: a trailing label separator is stripped before any other processing.
  if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  if (domain.empty()) return std::nullopt;
  if (domain.front() == '[') return prepareIpv6Literal(domain);

  std::optional<std::string> prepared;
  if (isAscii(domain)) {
    prepared.emplace(domain);
    std::transform(prepared->begin(), prepared->end(), prepared->begin(), asciiLower);
  } else {
    prepared = runProfile(domain, stringprep_nameprep);
  }
  prepared = checkLength(std::move(prepared));
  if (!prepared || !hasValidLabels(*prepared)) return std::nullopt;
  return prepared;
}

// RFC 7622 §3.1: the resourcepart starts at the first '/', and the localpart ends at the first
// '@' before it ("a/b@c" is domain "a" with resource "b@c").
std::optional<Jid> Jid::parse(std::string_view text) {
  std::string_view resource;
  bool hasResource = false;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    resource = text.substr(slash + 1);
    text = text.substr(0, slash);
    hasResource = true;
  }
  std::string_view local;
  bool hasLocal = false;
  if (const auto at = text.find('@'); at != std::string_view::npos) {
    local = text.substr(0, at);
    text = text.substr(at + 1);
    hasLocal = true;
  }
  // A separator with nothing after (or before) it is invalid, not an absent part (§3.3, §3.4).
  if ((hasLocal && local.empty()) || (hasResource && resource.empty())) return std::nullopt;
  return fromParts(local, text, resource);
}

std::optional<Jid> Jid::fromParts(std::string_view local, std::string_view domain,
                                  std::string_view resource) {
  Jid jid;
  if (!local.empty()) {
    auto prepared = nodeprep(local);
    if (!prepared) return std::nullopt;
    jid.local_ = std::move(*prepared);
  }
  auto preparedDomain = nameprep(domain);
  if (!preparedDomain) return std::nullopt;
  jid.domain_ = std::move(*preparedDomain);
  if (!resource.empty()) {
    auto prepared = resourceprep(resource);
    if (!prepared) return std::nullopt;
    jid.resource_ = std::move(*prepared);
  }
  return jid;
}

Jid Jid::bare() const {
  Jid jid;
  jid.local_ = local_;
  jid.domain_ = domain_;
  return jid;
}

Jid Jid::withResource(std::string_view prepared_resource) const {
  Jid jid = bare();
  jid.resource_ = prepared_resource;
  return jid;
}

std::string Jid::bareString() const {
  if (local_.empty()) return domain_;
  std::string out;
  out.reserve(local_.size() + 1 + domain_.size());
  out.append(local_).append(1, '@').append(domain_);
  return out;
}

std::string Jid::toString() const {
  std::string out = bareString();
  if (!resource_.empty()) out.append(1, '/').append(resource_);
  return out;
}

}  // namespace kontalk::xmpp
