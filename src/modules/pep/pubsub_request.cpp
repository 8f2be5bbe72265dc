#include "modules/pep/pubsub_request.hpp"

#include <charconv>

namespace kontalk::modules::pep {
namespace {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

// The data form inside `wrapper` (<publish-options/>, <configure/>): nullopt without one, an
// error when it is not a valid form.
std::variant<std::optional<xmpp::DataForm>, StanzaError> formIn(const xml::Element* wrapper) {
  if (wrapper == nullptr) return std::optional<xmpp::DataForm>();
  const xml::Element* x = wrapper->child("x", xmpp::kDataFormsNamespace);
  if (x == nullptr) return std::optional<xmpp::DataForm>();
  auto form = xmpp::DataForm::parse(*x);
  if (!form) return StanzaError::of(StanzaErrorCondition::BadRequest, "Invalid data form.");
  return std::optional<xmpp::DataForm>(std::move(*form));
}

std::variant<PubsubRequest, StanzaError> parseOwner(const xml::Element& payload, bool isSet) {
  const auto children = payload.childElements();
  if (children.size() != 1) {
    return StanzaError::of(StanzaErrorCondition::BadRequest, "Expected one owner action.");
  }
  const xml::Element& action = *children.front();
  PubsubRequest request;
  request.node = std::string(action.attribute("node"));
  if (action.is("configure", kPubsubOwner)) {
    request.action = PubsubAction::Configure;
    if (isSet) {
      auto form = formIn(&action);
      if (auto* error = std::get_if<StanzaError>(&form)) return std::move(*error);
      request.form = std::get<std::optional<xmpp::DataForm>>(std::move(form));
      if (!request.form) {
        return StanzaError::of(StanzaErrorCondition::BadRequest,
                               "The configuration form is missing.");
      }
    }
  } else if (action.is("delete", kPubsubOwner) && isSet) {
    request.action = PubsubAction::Delete;
  } else {
    return StanzaError::of(StanzaErrorCondition::FeatureNotImplemented);
  }
  if (request.node.empty()) {
    return pubsubError(StanzaErrorCondition::BadRequest, "nodeid-required");
  }
  return request;
}

std::variant<PubsubRequest, StanzaError> parsePublish(const xml::Element& payload,
                                                      const xml::Element& publish,
                                                      PubsubRequest request) {
  request.action = PubsubAction::Publish;
  const auto items = publish.children("item", kPubsub);
  if (items.size() != 1 || publish.childElements().size() != 1) {
    // XEP-0060 §7.1.3.5: PEP nodes take exactly one item with one payload.
    return pubsubError(StanzaErrorCondition::BadRequest, "item-required");
  }
  request.itemId = std::string(items.front()->attribute("id"));
  const auto payloads = items.front()->childElements();
  if (payloads.empty()) return pubsubError(StanzaErrorCondition::BadRequest, "payload-required");
  if (payloads.size() > 1) return pubsubError(StanzaErrorCondition::BadRequest, "invalid-payload");
  request.payload = *payloads.front();
  auto form = formIn(payload.child("publish-options", kPubsub));
  if (auto* error = std::get_if<StanzaError>(&form)) return std::move(*error);
  request.form = std::get<std::optional<xmpp::DataForm>>(std::move(form));
  return request;
}

std::vector<std::string> itemIdsOf(const xml::Element& parent) {
  std::vector<std::string> ids;
  for (const xml::Element* item : parent.children("item", kPubsub)) {
    ids.emplace_back(item->attribute("id"));
  }
  return ids;
}

}  // namespace

StanzaError pubsubError(StanzaErrorCondition condition, std::string_view pubsubCondition,
                        std::string text) {
  StanzaError error = StanzaError::of(condition, std::move(text));
  error.application = xml::Element(std::string(pubsubCondition), kPubsubErrors);
  return error;
}

std::variant<PubsubRequest, StanzaError> parsePubsubRequest(const xml::Element& payload,
                                                            bool isSet) {
  if (payload.is("pubsub", kPubsubOwner)) return parseOwner(payload, isSet);
  if (!payload.is("pubsub", kPubsub)) return StanzaError::of(StanzaErrorCondition::BadRequest);
  const xml::Element* action = payload.firstChild();
  if (action == nullptr) {
    return StanzaError::of(StanzaErrorCondition::BadRequest, "Expected a pubsub action.");
  }
  PubsubRequest request;
  request.node = std::string(action->attribute("node"));
  if (request.node.empty()) {
    return pubsubError(StanzaErrorCondition::BadRequest, "nodeid-required");
  }
  if (isSet && action->is("publish", kPubsub)) {
    return parsePublish(payload, *action, std::move(request));
  }
  if (isSet && action->is("retract", kPubsub)) {
    request.action = PubsubAction::Retract;
    request.itemIds = itemIdsOf(*action);
    // XEP-0060 §7.2.1: one item per request, so that a missing one changes nothing.
    if (request.itemIds.size() != 1 || request.itemIds.front().empty()) {
      return pubsubError(StanzaErrorCondition::BadRequest, "item-required");
    }
    const std::string_view notify = action->attribute("notify");
    request.notifyRetract = notify == "1" || notify == "true";
    return request;
  }
  if (isSet && action->is("create", kPubsub)) {
    request.action = PubsubAction::Create;
    auto form = formIn(payload.child("configure", kPubsub));
    if (auto* error = std::get_if<StanzaError>(&form)) return std::move(*error);
    request.form = std::get<std::optional<xmpp::DataForm>>(std::move(form));
    return request;
  }
  if (!isSet && action->is("items", kPubsub)) {
    request.action = PubsubAction::Items;
    request.itemIds = itemIdsOf(*action);
    if (const std::string_view max = action->attribute("max_items"); !max.empty()) {
      std::int64_t value = 0;
      const auto [end, error] = std::from_chars(max.data(), max.data() + max.size(), value);
      if (error != std::errc() || end != max.data() + max.size() || value < 1) {
        return StanzaError::of(StanzaErrorCondition::BadRequest, "Invalid max_items.");
      }
      request.maxItems = value;
    }
    return request;
  }
  return StanzaError::of(StanzaErrorCondition::FeatureNotImplemented);
}

}  // namespace kontalk::modules::pep
