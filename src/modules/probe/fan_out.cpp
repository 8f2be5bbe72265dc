#include "modules/probe/fan_out.hpp"

#include "modules/probe/roster_match.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::probe {

FanOut::FanOut(std::vector<std::string> peers, std::vector<std::string> candidates)
    : peers_(std::move(peers)),
      candidates_(std::move(candidates)),
      done_(peers_.size(), false),
      found_(peers_.size()),
      remaining_(peers_.size()) {}

xml::Element FanOut::request(std::size_t index, const std::string& from,
                             const std::string& id) const {
  xml::Element iq("iq", ns::kClient);
  iq.setAttribute("type", "get");
  iq.setAttribute("id", id);
  iq.setAttribute("from", from);
  iq.setAttribute("to", std::string(kProbeLocalpart) + "@" + peers_[index]);
  auto& query = iq.addChild("query", kRosterNamespace);
  for (const auto& localpart : candidates_) {
    query.addChild("item", kRosterNamespace).setAttribute("jid", localpart + "@" + peers_[index]);
  }
  return iq;
}

bool FanOut::settle(std::size_t index, const xml::Element* response) {
  std::set<std::string> found;
  if (response != nullptr && response->attribute("type") == "result") {
    const std::set<std::string> asked(candidates_.begin(), candidates_.end());
    if (const auto* query = response->child("query", kRosterNamespace)) {
      for (const auto* item : query->children("item", kRosterNamespace)) {
        // Spec §7.5 step 4: only what was asked, of that peer (the original kept anything).
        const auto jid = xmpp::Jid::parse(item->attribute("jid"));
        if (jid && jid->domain() == peers_[index] && asked.contains(jid->local())) {
          found.insert(jid->local());
        }
      }
    }
  }
  std::lock_guard lock(mutex_);
  if (index >= done_.size() || done_[index]) return false;
  done_[index] = true;
  found_[index] = std::move(found);
  return --remaining_ == 0;
}

std::vector<xmpp::Jid> FanOut::matches() const {
  std::lock_guard lock(mutex_);
  std::vector<xmpp::Jid> matches;
  for (std::size_t peer = 0; peer < peers_.size(); ++peer) {
    for (const auto& localpart : candidates_) {
      if (!found_[peer].contains(localpart)) continue;
      if (auto jid = xmpp::Jid::parse(localpart + "@" + peers_[peer])) matches.push_back(*jid);
    }
  }
  return matches;
}

}  // namespace kontalk::modules::probe
