#include "modules/push/app_server_wire.hpp"

#include "xmpp/jid.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::push {
namespace {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

void addField(xml::Element& form, std::string var, std::string value) {
  auto& field = form.addChild("field", kDataFormsNamespace);
  field.setAttribute("var", std::move(var));
  field.addChild("value", kDataFormsNamespace).addText(value);
}

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string cut(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

}  // namespace

std::variant<AppServerRequest, StanzaError> readAppServerRequest(const xml::Element& payload) {
  AppServerRequest request;
  if (payload.name() == "enable") {
    request.enabling = true;
  } else if (payload.name() != "disable") {
    return StanzaError::of(StanzaErrorCondition::BadRequest, "Expected enable or disable.");
  }
  if (!payload.hasAttribute("jid")) {
    return StanzaError::of(StanzaErrorCondition::BadRequest, "The jid attribute is required.");
  }
  const auto jid = xmpp::Jid::parse(payload.attribute("jid"));
  if (!jid) {
    return StanzaError::of(StanzaErrorCondition::JidMalformed, "The jid is no valid JID.");
  }
  request.jid = jid->toString();
  if (payload.hasAttribute("node")) {
    const std::string_view node = payload.attribute("node");
    if (node.size() > kMaxNodeBytes) {
      return StanzaError::of(StanzaErrorCondition::BadRequest, "The node is too long.");
    }
    request.node = std::string(node);
  }
  if (request.enabling) {
    if (const auto* form = payload.child("x", kDataFormsNamespace)) {
      if (form->contentSize() > kMaxOptionsBytes) {
        return StanzaError::of(StanzaErrorCondition::BadRequest,
                               "The publish-options form is too large.");
      }
      request.options = *form;
    }
  }
  return request;
}

xml::Element makePublish(std::string_view from, std::string_view to, std::string_view node,
                         const PushSummary& summary, const std::optional<xml::Element>& options,
                         std::string id) {
  xml::Element iq("iq", ns::kClient);
  iq.setAttribute("type", "set");
  iq.setAttribute("id", std::move(id));
  iq.setAttribute("from", std::string(from));
  iq.setAttribute("to", std::string(to));
  auto& pubsub = iq.addChild("pubsub", kPubsubNamespace);
  auto& publish = pubsub.addChild("publish", kPubsubNamespace);
  if (!node.empty()) publish.setAttribute("node", std::string(node));
  auto& notification =
      publish.addChild("item", kPubsubNamespace).addChild("notification", kAppPushNamespace);
  auto& form = notification.addChild("x", kDataFormsNamespace);
  form.setAttribute("type", "submit");
  addField(form, "FORM_TYPE", "urn:xmpp:push:summary");
  addField(form, "message-count", std::to_string(summary.messageCount));
  addField(form, "pending-subscription-count", std::to_string(summary.pendingSubscriptionCount));
  if (summary.lastMessageSender) addField(form, "last-message-sender", *summary.lastMessageSender);
  if (summary.lastMessageBody) {
    addField(form, "last-message-body", cut(*summary.lastMessageBody, kMaxSummaryBodyBytes));
  }
  if (options) pubsub.addChild("publish-options", kPubsubNamespace).addChild(*options);
  return iq;
}

PublishAnswer classifyPublishAnswer(const xml::Element& response) {
  const std::string_view type = response.attribute("type");
  if (type == "result") return PublishAnswer::Done;
  const auto* error = response.child("error", response.xmlns());
  if (error != nullptr && error->attribute("type") == "wait") return PublishAnswer::Transient;
  return PublishAnswer::Permanent;
}

std::optional<std::string> removedNode(const xml::Element& message, std::string_view accountBare) {
  const auto* pubsub = message.child("pubsub", kPubsubNamespace);
  if (pubsub == nullptr || !pubsub->hasAttribute("node")) return std::nullopt;
  const auto* affiliation = pubsub->child("affiliation", kPubsubNamespace);
  if (affiliation == nullptr || affiliation->attribute("affiliation") != "none") {
    return std::nullopt;
  }
  const auto user = xmpp::Jid::parse(affiliation->attribute("jid"));
  if (!user || user->bareString() != accountBare) return std::nullopt;
  return std::string(pubsub->attribute("node"));
}

}  // namespace kontalk::modules::push
