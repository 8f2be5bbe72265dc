#pragma once
// The wire side of XEP-0050: reads a <command/> request, and writes the <command/> answer to a
// stage (executing with its actions and form, completed with its note, form and payload, or
// canceled).
// Threading: pure functions over values; any thread.

#include <optional>
#include <string>
#include <variant>

#include "api/adhoc_commands.hpp"
#include "modules/adhoc/command_sessions.hpp"
#include "xml/element.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::adhoc {

struct CommandRequest {
  std::string node;
  std::string sessionId;  // "" for a new execution
  CommandAction action = CommandAction::Execute;
  std::optional<xmpp::DataForm> form;  // the <x xmlns='jabber:x:data'/> it carried, if valid
};

// The request in `command`; bad-request with <malformed-action/> for an unknown action,
// bad-request with <bad-payload/> for a data form that breaks XEP-0004, item-not-found
// without a node.
std::variant<CommandRequest, xmpp::StanzaError> readCommandRequest(const xml::Element& command);

// The <command/> answer of session `sessionId` of `node` to `step` (not an error step);
// `hasPrevious`: the session offers prev (it is past its first stage).
xml::Element commandAnswer(const std::string& node, const std::string& sessionId,
                           const api::AdHocStep& step, bool hasPrevious);
// The <command status='canceled'/> answer (XEP-0050 §3.4.4).
xml::Element canceledAnswer(const std::string& node, const std::string& sessionId);

}  // namespace kontalk::modules::adhoc
