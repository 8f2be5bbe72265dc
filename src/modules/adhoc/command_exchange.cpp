#include "modules/adhoc/command_exchange.hpp"

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::adhoc {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

std::variant<CommandRequest, StanzaError> readCommandRequest(const xml::Element& command) {
  CommandRequest request;
  request.node = command.attribute("node");
  if (request.node.empty()) return StanzaError::of(StanzaErrorCondition::ItemNotFound);
  request.sessionId = command.attribute("sessionid");
  const auto action = parseCommandAction(command.attribute("action"));
  if (!action) return commandError(StanzaErrorCondition::BadRequest, "malformed-action");
  request.action = *action;
  if (const auto* x = command.child("x", xmpp::kDataFormsNamespace)) {
    request.form = xmpp::DataForm::parse(*x);
    if (!request.form) return commandError(StanzaErrorCondition::BadRequest, "bad-payload");
  }
  return request;
}

xml::Element commandAnswer(const std::string& node, const std::string& sessionId,
                           const api::AdHocStep& step, bool hasPrevious) {
  xml::Element answer("command", ns::kCommands);
  answer.setAttribute("node", node);
  answer.setAttribute("sessionid", sessionId);
  if (step.kind == api::AdHocStep::Kind::Form) {
    answer.setAttribute("status", "executing");
    // XEP-0050 §3.4: the actions offered now, and which one `execute` means.
    auto& actions = answer.addChild("actions", ns::kCommands);
    const char* forward = step.lastStage ? "complete" : "next";
    actions.setAttribute("execute", forward);
    if (hasPrevious) actions.addChild("prev", ns::kCommands);
    actions.addChild(forward, ns::kCommands);
  } else {
    answer.setAttribute("status", "completed");
    if (!step.note.empty()) {
      auto& note = answer.addChild("note", ns::kCommands);
      note.setAttribute("type", "info");
      note.addText(step.note);
    }
    for (const auto& element : step.payload) answer.addChild(element);
  }
  if (step.form) answer.addChild(step.form->toElement());
  return answer;
}

xml::Element canceledAnswer(const std::string& node, const std::string& sessionId) {
  xml::Element answer("command", ns::kCommands);
  answer.setAttribute("node", node);
  answer.setAttribute("sessionid", sessionId);
  answer.setAttribute("status", "canceled");
  return answer;
}

}  // namespace kontalk::modules::adhoc
