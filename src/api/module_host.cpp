#include "api/module_host.hpp"

#include <utility>

#include <spdlog/spdlog.h>

namespace kontalk::api {
namespace {

// The reply of an unauthenticated client has no address to route to: it goes back on the
// client's stream, from the server (the Android client drops a registration reply without
// 'from', spec §0) and without 'to' (the client has no JID yet).
void answer(ModuleHost& host, const IqRequest& request, xml::Element reply) {
  reply.setAttribute("from", request.to.toString());
  if (request.reply) {
    reply.removeAttribute("to");
    request.reply(std::move(reply));
  } else {
    reply.setAttribute("to", request.from.toString());
    host.send(std::move(reply));
  }
}

}  // namespace

void ModuleHost::replyResult(const IqRequest& request, std::optional<xml::Element> payload) {
  xml::Element reply("iq", request.stanza.xmlns());
  reply.setAttribute("type", "result");
  reply.setAttribute("id", std::string(request.stanza.attribute("id")));
  if (payload) reply.addChild(std::move(*payload));
  answer(*this, request, std::move(reply));
}

void ModuleHost::replyError(const IqRequest& request, const xmpp::StanzaError& error) {
  // The request's 'to' may have been absent (addressed to the sender's own account); the reply
  // comes from the entity that was actually addressed.
  answer(*this, request, xmpp::makeErrorReply(request.stanza, error));
}

void ModuleHost::replyFailure(const IqRequest& request, const Status& status,
                              std::string_view what) {
  spdlog::log(status.isTransient() ? spdlog::level::warn : spdlog::level::err, "{}: {}: {}",
              moduleName(), what, status.describe());
  replyError(request, xmpp::StanzaError::serverFailure(status));
}

}  // namespace kontalk::api
