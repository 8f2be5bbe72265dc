#pragma once
// A roster match request (spec §7.4): the address-book hashes a client asks about, read and
// checked without touching storage.
// Threading: pure functions over values; any thread.

#include <cstddef>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::modules::probe {

inline constexpr const char* kRosterNamespace = "http://kontalk.org/extensions/roster";
inline constexpr const char* kProbeFeature = "http://kontalk.org/extensions/roster#probe";
inline constexpr const char* kProbeLocalpart = "probe";

// The bare JIDs of `domain` a <query/> asks about, in request order, each once. Items of other
// domains and other children are ignored (spec §7.4). Fails InvalidArgument ("Invalid JID
// string") for an unparsable jid and Overloaded when more than `maxItems` items are asked.
Result<std::vector<xmpp::Jid>> readRosterMatch(const xml::Element& query, const std::string& domain,
                                               std::size_t maxItems);

// The answer: one <item jid/> per match, in order; an empty query means none.
xml::Element rosterMatchAnswer(const std::vector<xmpp::Jid>& matches);

}  // namespace kontalk::modules::probe
