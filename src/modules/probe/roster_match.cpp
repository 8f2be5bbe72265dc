#include "modules/probe/roster_match.hpp"

#include <set>

namespace kontalk::modules::probe {

Result<std::vector<xmpp::Jid>> readRosterMatch(const xml::Element& query, const std::string& domain,
                                               std::size_t maxItems) {
  const auto items = query.children("item", kRosterNamespace);
  if (items.size() > maxItems) {
    return failure(StatusCode::Overloaded, "more than " + std::to_string(maxItems) + " items");
  }
  std::vector<xmpp::Jid> asked;
  std::set<std::string> seen;
  for (const auto* item : items) {
    auto jid = xmpp::Jid::parse(item->attribute("jid"));
    if (!jid || jid->local().empty())
      return failure(StatusCode::InvalidArgument, "Invalid JID string");
    if (jid->domain() != domain) continue;  // only the local server's users are matched here
    if (seen.insert(jid->bareString()).second) asked.push_back(jid->bare());
  }
  return asked;
}

xml::Element rosterMatchAnswer(const std::vector<xmpp::Jid>& matches) {
  xml::Element query("query", kRosterNamespace);
  for (const auto& jid : matches) {
    query.addChild("item", kRosterNamespace).setAttribute("jid", jid.bareString());
  }
  return query;
}

}  // namespace kontalk::modules::probe
