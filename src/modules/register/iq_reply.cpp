#include "modules/register/iq_reply.hpp"

namespace kontalk::modules::registration {

void IqReply::result(std::optional<xml::Element> payload) const {
  xml::Element reply("iq", request_.xmlns());
  reply.setAttribute("type", "result");
  reply.setAttribute("id", std::string(request_.attribute("id")));
  reply.setAttribute("from", from_);
  if (request_.hasAttribute("from"))
    reply.setAttribute("to", std::string(request_.attribute("from")));
  if (payload) reply.addChild(std::move(*payload));
  send_(std::move(reply));
}

void IqReply::error(const xmpp::StanzaError& error) const {
  // RFC 6120 §8.2: the error reply echoes the request's payload.
  xml::Element reply = xmpp::makeErrorReply(request_, error);
  reply.setAttribute("from", from_);
  send_(std::move(reply));
}

}  // namespace kontalk::modules::registration
