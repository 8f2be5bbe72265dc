#include "modules/network/serverlist_command.hpp"

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::network {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

std::variant<xml::Element, StanzaError> executeServerList(
    const xml::Element& command, const std::vector<api::NetworkServer>& servers,
    const std::string& sessionId) {
  if (command.attribute("node") != kServerListNode) {
    return StanzaError::of(StanzaErrorCondition::ItemNotFound);
  }
  // XEP-0050 §3.5: a one-step command knows only execute (absent means execute).
  if (const auto action = command.attribute("action"); !action.empty() && action != "execute") {
    auto error = StanzaError::of(StanzaErrorCondition::BadRequest);
    error.type = xmpp::StanzaErrorType::Modify;
    return error;
  }
  xml::Element answer("command", ns::kCommands);
  answer.setAttribute("node", kServerListNode);
  answer.setAttribute("status", "completed");
  answer.setAttribute("sessionid", sessionId);
  auto& list = answer.addChild("serverlist", kServerListNamespace);
  for (const auto& server : servers) {
    // Spec §7.3: the domain goes in 'node' (the Android client reads nothing else).
    auto& item = list.addChild("item", kServerListNamespace);
    item.setAttribute("node", server.domain);
    item.setAttribute("fingerprint", server.fingerprint);
  }
  return answer;
}

}  // namespace kontalk::modules::network
