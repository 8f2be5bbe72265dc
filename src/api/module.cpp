#include "api/module.hpp"

#include <utility>

namespace kontalk::api {

void ModuleHost::replyResult(const IqRequest& request, std::optional<xml::Element> payload) {
  xml::Element reply("iq", request.stanza.xmlns());
  reply.setAttribute("type", "result");
  reply.setAttribute("id", std::string(request.stanza.attribute("id")));
  reply.setAttribute("from", request.to.toString());
  reply.setAttribute("to", request.from.toString());
  if (payload) reply.addChild(std::move(*payload));
  send(std::move(reply));
}

void ModuleHost::replyError(const IqRequest& request, const xmpp::StanzaError& error) {
  xml::Element reply = xmpp::makeErrorReply(request.stanza, error);
  // The request's 'to' may have been absent (addressed to the sender's own account); the reply
  // must come from the entity that was actually addressed.
  reply.setAttribute("from", request.to.toString());
  reply.setAttribute("to", request.from.toString());
  send(std::move(reply));
}

}  // namespace kontalk::api
