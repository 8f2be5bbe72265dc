// Fuzz target: XMPP addresses (src/xmpp/jid). The input is the text of a JID. Properties checked,
// besides the sanitizers': preparation is idempotent, parse(toString(parse(x))) == parse(x), the
// parts keep RFC 7622's bounds, bare() and fromParts() agree with parse().

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "xmpp/jid.hpp"

namespace {

using kontalk::fuzz::check;
using kontalk::xmpp::Jid;

// RFC 7622 §3.2–§3.4: each part is at most 1023 octets once prepared.
constexpr std::size_t kMaxPartBytes = 1023;

void checkParts(const Jid& jid, std::string_view input) {
  check(!jid.domain().empty(), "a parsed JID has no domain", input);
  check(jid.local().size() <= kMaxPartBytes && jid.domain().size() <= kMaxPartBytes &&
            jid.resource().size() <= kMaxPartBytes,
        "a prepared part exceeds 1023 bytes", input);
  check(jid.local().find_first_of("@/") == std::string_view::npos, "a localpart holds a separator",
        input);
  check(jid.domain().find_first_of("@/") == std::string_view::npos,
        "a domainpart holds a separator", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto jid = Jid::parse(input);
  if (!jid) return 0;
  checkParts(*jid, input);

  const auto text = jid->toString();
  const auto reparsed = Jid::parse(text);
  check(reparsed.has_value(), "toString() of a JID does not parse", text);
  check(*reparsed == *jid, "parse(toString(parse(x))) != parse(x)", text);
  check(reparsed->toString() == text, "preparation is not idempotent", text);

  const auto fromParts = Jid::fromParts(jid->local(), jid->domain(), jid->resource());
  check(fromParts.has_value() && *fromParts == *jid, "fromParts() of a JID's parts differs", text);
  const auto bare = Jid::parse(jid->bareString());
  check(bare.has_value() && *bare == jid->bare(), "the bare JID does not parse as bare()", text);
  return 0;
}
