// Personal eventing (XEP-0163) over the subset of publish-subscribe (XEP-0060) it needs: every
// account is a PEP service at its bare JID. Its owner publishes, retracts, configures and
// deletes nodes; contacts the node's access model admits retrieve items; the resources whose
// presence reached the account and whose entity capabilities (XEP-0115) include NODE+notify get
// its events, and the node's last item when their available presence arrives.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <variant>

#include <spdlog/spdlog.h>

#include "api/module_descriptor.hpp"
#include "api/ordered_work.hpp"
#include "api/roster_queries.hpp"
#include "base/encoding.hpp"
#include "modules/pep/caps_cache.hpp"
#include "modules/pep/caps_hash.hpp"
#include "modules/pep/node_config.hpp"
#include "modules/pep/presence_watch.hpp"
#include "modules/pep/pubsub_request.hpp"
#include "storage/storage.hpp"
#include "xml/serializer.hpp"
#include "xml/stored_element.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::HandlerResult;
using pep::PubsubAction;
using pep::PubsubRequest;
using storage::PepNodeConfig;
using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

constexpr const char* kCaps = "http://jabber.org/protocol/caps";
// Hook orders (docs/architecture.md): before the roster consumes presence (100); never consume.
constexpr int kFromClientOrder = 60;
constexpr int kToAccountOrder = 80;
constexpr std::chrono::seconds kCapsQueryTimeout{30};
// A caps node or ver longer than this is not a client's: ignored (no events for it).
constexpr std::size_t kMaxCapsText = 256;

struct PepSettings {
  std::size_t maxNodes = 100;
  std::int64_t maxItems = 256;
  std::size_t maxItemBytes = 131072;
  std::size_t capsCacheSize = 4096;
  std::size_t maxListeners = 1024;
};

const config::Section<PepSettings>& pepOptions() {
  static const config::Section<PepSettings> section(
      "modules.pep", "Personal eventing (XEP-0163): each account's PEP nodes and their items.",
      [](config::SectionBuilder<PepSettings>& option) {
        option.integer("max_nodes", &PepSettings::maxNodes, std::size_t{1}, std::size_t{100000},
                       "nodes per account; a publish or create of one more is refused with "
                       "policy-violation");
        option.integer("max_items", &PepSettings::maxItems, std::int64_t{1}, std::int64_t{100000},
                       "items a node keeps at most (its pubsub#max_items \"max\"); a larger "
                       "pubsub#max_items is refused with not-acceptable");
        option.integer("max_item_bytes", &PepSettings::maxItemBytes, std::size_t{1},
                       std::size_t{16} << 20,
                       "a larger serialized payload is refused with not-acceptable "
                       "<payload-too-big/>");
        option.integer("caps_cache_size", &PepSettings::capsCacheSize, std::size_t{16},
                       std::size_t{1} << 20,
                       "entity capabilities versions remembered (and questions out at once)");
        option.integer("max_listeners", &PepSettings::maxListeners, std::size_t{1},
                       std::size_t{1} << 20,
                       "available resources per account that hear its events; more are ignored");
      });
  return section;
}

// The event message (XEP-0060 §7.1.2.1) carrying `items` (an <items/> or <delete/> of the
// pubsub#event namespace) from `owner` to `resource`.
xml::Element eventMessage(const xmpp::Jid& owner, const xmpp::Jid& resource,
                          const xml::Element& payload) {
  xml::Element message("message", ns::kClient);
  message.setAttribute("from", owner.bareString());
  message.setAttribute("to", resource.toString());
  message.setAttribute("type", "headline");
  message.setAttribute("id", base::randomAlphanumeric(16));
  message.addChild("event", pep::kPubsubEvent).addChild(payload);
  return message;
}

xml::Element itemElement(const std::string& xmlns, const storage::PepItem& item,
                         const xml::Element& payload) {
  xml::Element element("item", xmlns);
  element.setAttribute("id", item.id);
  element.addChild(payload);
  return element;
}

class PepModule final : public api::Module {
 public:
  explicit PepModule(const PepSettings& settings)
      : settings_(settings), caps_(settings.capsCacheSize), watch_(settings.maxListeners) {}

  void start(api::ModuleHost& host) override {
    host_ = &host;
    roster_ = host.service<api::RosterQueries>();
    work_ = std::make_unique<api::OrderedWork>(host);
    // XEP-0163 §6.1: the account's bare JID is a pubsub service of type pep.
    host.advertiseDiscoIdentity(api::IqScope::Account, {"pubsub", "pep", ""});
    for (const char* feature :
         {"access-open", "access-presence", "access-roster", "access-whitelist", "auto-create",
          "config-node", "create-nodes", "delete-nodes", "filtered-notifications", "item-ids",
          "last-published", "persistent-items", "presence-notifications", "publish",
          "publish-options", "retract-items", "retrieve-items"}) {
      host.advertiseDiscoFeature(api::IqScope::Account, std::string(pep::kPubsub) + "#" + feature);
    }
    for (auto type : {api::IqType::Get, api::IqType::Set}) {
      for (const char* xmlns : {pep::kPubsub, pep::kPubsubOwner}) {
        host.onIq(api::IqScope::Account, xmlns, type,
                  [this](const api::IqRequest& request) { return handleIq(request); });
      }
    }
    host.onStanza(api::StanzaHook::FromClient, kFromClientOrder, [this](api::StanzaEvent& event) {
      // The account's own resources hear its events too (XEP-0163 §4.3.1).
      if (event.stanza.name() == "presence" && !event.stanza.hasAttribute("to")) {
        watchPresence(event.from.bare(), event.from, event.stanza);
      }
      return HandlerResult::Continue;
    });
    host.onStanza(api::StanzaHook::ToAccount, kToAccountOrder, [this](api::StanzaEvent& event) {
      if (event.stanza.name() == "presence" && !event.from.isBare()) {
        watchPresence(event.to.bare(), event.from, event.stanza);
      }
      return HandlerResult::Continue;
    });
  }

 private:
  // ---- listeners -------------------------------------------------------------------------

  // Presence of `resource` reached `account`: it joins or leaves the account's listeners, and an
  // available one gets the last items of the nodes it wants (XEP-0163 §4.3.2).
  void watchPresence(const xmpp::Jid& account, const xmpp::Jid& resource,
                     const xml::Element& presence) {
    const std::string_view type = presence.attribute("type");
    if (type == "unavailable") {
      watch_.unavailable(account, resource);
      return;
    }
    if (!type.empty()) return;
    std::string ver;
    std::string node;
    std::string hash;
    if (const xml::Element* c = presence.child("c", kCaps)) {
      ver = std::string(c->attribute("ver"));
      node = std::string(c->attribute("node"));
      hash = std::string(c->attribute("hash"));
      if (ver.size() > kMaxCapsText || node.size() > kMaxCapsText) ver.clear();
    }
    const auto listening = watch_.available(account, resource, ver);
    if (listening == pep::Listening::Refused) {
      spdlog::warn("pep: {} has {} listeners already; {} hears no events", account.bareString(),
                   settings_.maxListeners, resource.toString());
      return;
    }
    // A presence update (a new status) brings no last items again; new caps may want others.
    if (listening == pep::Listening::Unchanged || ver.empty()) return;
    if (auto features = caps_.find(ver)) {
      sendLastItems(account, resource, std::move(features));
    } else if (caps_.await(ver, {account, resource})) {
      askFeatures(resource, node, ver, hash);
    }
  }

  // XEP-0115 §6.2: disco#info of NODE#VER, asked of the resource that announced it.
  void askFeatures(const xmpp::Jid& resource, const std::string& node, const std::string& ver,
                   const std::string& hash) {
    xml::Element iq("iq", ns::kClient);
    iq.setAttribute("type", "get");
    iq.setAttribute("from", host_->domain());
    iq.setAttribute("to", resource.toString());
    iq.setAttribute("id", "caps-" + base::randomAlphanumeric(16));
    iq.addChild("query", ns::kDiscoInfo).setAttribute("node", node + "#" + ver);
    const bool sent = host_->sendIq(
        std::move(iq), kCapsQueryTimeout,
        [this, ver, hash, resource](const xml::Element& response) {
          const xml::Element* query = response.child("query", ns::kDiscoInfo);
          if (response.attribute("type") != "result" || query == nullptr) {
            spdlog::info("pep: {} did not answer disco#info for caps {}", resource.toString(), ver);
            caps_.forget(ver);
            return;
          }
          if (pep::capsVer(*query, hash) != ver) {
            spdlog::warn("pep: the disco#info of {} does not hash to its caps {} ({})",
                         resource.toString(), ver, hash);
            caps_.forget(ver);
            return;
          }
          pep::FeatureSet features;
          for (const xml::Element* feature : query->children("feature", ns::kDiscoInfo)) {
            if (features.size() >= 1024) break;  // a client announcing more is not believed
            features.emplace(feature->attribute("var"));
          }
          auto waiters = caps_.learn(ver, std::move(features));
          auto known = caps_.find(ver);
          for (const auto& waiter : waiters) sendLastItems(waiter.account, waiter.resource, known);
        });
    if (!sent) caps_.forget(ver);
  }

  static bool wantsNotifications(const pep::FeatureSet* features, const std::string& node) {
    return features != nullptr && features->contains(node + "+notify");
  }

  void sendLastItems(const xmpp::Jid& account, const xmpp::Jid& resource,
                     std::shared_ptr<const pep::FeatureSet> features) {
    if (!features || features->empty()) return;
    work_->post(account.bareString(), [this, account, resource, features = std::move(features)] {
      auto& store = host_->storage().pep();
      auto nodes = store.nodes(account.local(), account.domain());
      if (!nodes) {
        spdlog::error("pep: nodes of {}: {}", account.bareString(), nodes.error().message);
        return;
      }
      for (const auto& node : *nodes) {
        if (!wantsNotifications(features.get(), node)) continue;
        auto config = store.findNode(account.local(), account.domain(), node);
        if (!config || !*config || !mayAccess(account, resource.bare(), **config)) continue;
        auto items = store.items(account.local(), account.domain(), node, 1);
        if (!items || items->empty()) continue;
        auto payload = parsePayload(items->front().payload);
        if (!payload) continue;
        xml::Element event("items", pep::kPubsubEvent);
        event.setAttribute("node", node);
        event.addChild(itemElement(pep::kPubsubEvent, items->front(), *payload));
        host_->send(eventMessage(account, resource, event));
      }
    });
  }

  // Sends `event` to every listener of `owner` that wants `node` and may see it. On a worker.
  void notify(const xmpp::Jid& owner, const std::string& node, const PepNodeConfig& config,
              const xml::Element& event) {
    std::map<std::string, bool> admitted;  // by bare JID: one roster lookup per contact
    for (const auto& listener : watch_.listeners(owner)) {
      if (!wantsNotifications(caps_.find(listener.ver).get(), node)) continue;
      const xmpp::Jid contact = listener.resource.bare();
      auto [known, inserted] = admitted.try_emplace(contact.bareString(), false);
      if (inserted) known->second = mayAccess(owner, contact, config);
      if (known->second) host_->send(eventMessage(owner, listener.resource, event));
    }
  }

  // ---- access ----------------------------------------------------------------------------

  // XEP-0060 §4.5: whether `requester` (bare) may retrieve the node's items and hear its events.
  // `roster` admits contacts with a presence subscription like `presence` (no roster groups are
  // configured); `whitelist` admits the owner only (no affiliations are managed). On a worker.
  bool mayAccess(const xmpp::Jid& owner, const xmpp::Jid& requester, const PepNodeConfig& config) {
    if (requester == owner || config.accessModel == "open") return true;
    if (config.accessModel == "whitelist") return false;
    auto sees = roster_->seesPresenceOf(requester, owner);
    if (!sees) {
      spdlog::error("pep: roster of {}: {}", owner.bareString(), sees.error().message);
      return false;
    }
    return *sees;
  }

  static StanzaError accessDenied(const PepNodeConfig& config) {
    if (config.accessModel == "whitelist") {
      return pep::pubsubError(StanzaErrorCondition::NotAllowed, "closed-node");
    }
    return pep::pubsubError(
        StanzaErrorCondition::NotAuthorized,
        config.accessModel == "roster" ? "not-in-roster-group" : "presence-subscription-required");
  }

  // A stored payload; a broken one is logged and skipped.
  static std::optional<xml::Element> parsePayload(const std::string& text) {
    auto payload = xml::parseStoredElement(text);
    if (!payload) spdlog::error("pep: a stored item is not XML");
    return payload;
  }

  // ---- requests --------------------------------------------------------------------------

  HandlerResult handleIq(const api::IqRequest& request) {
    const bool isSet = request.stanza.attribute("type") == "set";
    auto parsed = pep::parsePubsubRequest(request.payload, isSet);
    if (auto* error = std::get_if<StanzaError>(&parsed)) {
      host_->replyError(request, *error);
      return HandlerResult::Handled;
    }
    auto& pubsub = std::get<PubsubRequest>(parsed);
    const bool owner = request.from.bare() == request.to;
    if (!owner && pubsub.action != PubsubAction::Items) {
      // XEP-0163 §4.1: only the account publishes to and manages its PEP nodes.
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::Forbidden,
                                                 "Only the account's owner may do this."));
      return HandlerResult::Handled;
    }
    std::string payloadText;
    if (pubsub.action == PubsubAction::Publish) {
      payloadText = xml::serialize(*pubsub.payload);
      if (payloadText.size() > settings_.maxItemBytes) {
        spdlog::info("pep: {} published {} bytes to {}, over {}", request.from.toString(),
                     payloadText.size(), pubsub.node, settings_.maxItemBytes);
        host_->replyError(
            request, pep::pubsubError(
                         StanzaErrorCondition::NotAcceptable, "payload-too-big",
                         "The item exceeds " + std::to_string(settings_.maxItemBytes) + " bytes."));
        return HandlerResult::Handled;
      }
      if (pubsub.itemId.empty()) pubsub.itemId = base::randomAlphanumeric(20);
    }
    // One account's requests are answered in the order it sent them (RFC 6120 §10.1).
    work_->post(request.to.bareString(),
                [this, kept = api::KeptIqRequest(request), pubsub = std::move(pubsub),
                 payloadText = std::move(payloadText)] {
                  const auto job = kept.request();
                  run(job, pubsub, payloadText);
                });
    return HandlerResult::Handled;
  }

  void run(const api::IqRequest& request, const PubsubRequest& pubsub,
           const std::string& payloadText) {
    switch (pubsub.action) {
      case PubsubAction::Publish:
        return publish(request, pubsub, payloadText);
      case PubsubAction::Retract:
        return retract(request, pubsub);
      case PubsubAction::Create:
        return create(request, pubsub);
      case PubsubAction::Items:
        return items(request, pubsub);
      case PubsubAction::Configure:
        return configure(request, pubsub);
      case PubsubAction::Delete:
        return remove(request, pubsub);
    }
  }

  // The configuration `form` asks for over `base`, or the error to answer.
  std::variant<PepNodeConfig, StanzaError> configFrom(const PepNodeConfig& base,
                                                      const xmpp::DataForm& form,
                                                      std::string_view formType) const {
    auto applied = pep::applyConfigForm(base, form, formType, settings_.maxItems);
    if (auto* refusal = std::get_if<pep::ConfigRefusal>(&applied)) {
      return StanzaError::of(StanzaErrorCondition::NotAcceptable, refusal->reason);
    }
    return std::get<PepNodeConfig>(applied);
  }

  StanzaError tooManyNodes(const api::IqRequest& request) const {
    spdlog::info("pep: {} has {} nodes already", request.to.bareString(), settings_.maxNodes);
    return pep::pubsubError(
        StanzaErrorCondition::PolicyViolation, "max-nodes-exceeded",
        "An account has at most " + std::to_string(settings_.maxNodes) + " nodes.");
  }

  void publish(const api::IqRequest& request, const PubsubRequest& pubsub,
               const std::string& payloadText) {
    auto& store = host_->storage().pep();
    const auto& owner = request.to;
    auto existing = store.findNode(owner.local(), owner.domain(), pubsub.node);
    if (!existing) return host_->replyFailure(request, existing.error(), "PEP node");
    PepNodeConfig createWith;
    if (pubsub.form) {
      // XEP-0223 §3: options create a new node that way, and must match an existing one's.
      // A node configured under a larger limit than today's still matches "max".
      PepNodeConfig current = existing->value_or(PepNodeConfig{});
      current.maxItems = std::min(current.maxItems, settings_.maxItems);
      auto requested = configFrom(current, *pubsub.form, pep::kPublishOptionsFormType);
      if (auto* error = std::get_if<StanzaError>(&requested)) {
        return host_->replyError(request, *error);
      }
      createWith = std::get<PepNodeConfig>(requested);
      if (*existing && !pep::meetsPreconditions(current, createWith)) {
        return host_->replyError(
            request, pep::pubsubError(StanzaErrorCondition::Conflict, "precondition-not-met",
                                      "The node's configuration differs from the options."));
      }
    }
    auto published = store.publish(owner.local(), owner.domain(), pubsub.node, createWith,
                                   {pubsub.itemId, payloadText}, settings_.maxNodes);
    if (!published) return host_->replyFailure(request, published.error(), "PEP publish");
    if (published->write == storage::PepWrite::TooManyNodes) {
      return host_->replyError(request, tooManyNodes(request));
    }
    xml::Element answer("pubsub", pep::kPubsub);
    auto& publishElement = answer.addChild("publish", pep::kPubsub);
    publishElement.setAttribute("node", pubsub.node);
    publishElement.addChild("item", pep::kPubsub).setAttribute("id", pubsub.itemId);
    host_->replyResult(request, std::move(answer));
    xml::Element event("items", pep::kPubsubEvent);
    event.setAttribute("node", pubsub.node);
    event.addChild(itemElement(pep::kPubsubEvent, {pubsub.itemId, {}}, *pubsub.payload));
    notify(owner, pubsub.node, published->config, event);
  }

  void retract(const api::IqRequest& request, const PubsubRequest& pubsub) {
    auto& store = host_->storage().pep();
    const auto& owner = request.to;
    auto config = store.findNode(owner.local(), owner.domain(), pubsub.node);
    if (!config) return host_->replyFailure(request, config.error(), "PEP node");
    if (!*config)
      return host_->replyError(request, StanzaError::of(StanzaErrorCondition::ItemNotFound));
    xml::Element event("items", pep::kPubsubEvent);
    event.setAttribute("node", pubsub.node);
    for (const auto& id : pubsub.itemIds) {
      auto retracted = store.retract(owner.local(), owner.domain(), pubsub.node, id);
      if (!retracted) return host_->replyFailure(request, retracted.error(), "PEP retract");
      if (!*retracted) {
        return host_->replyError(request, StanzaError::of(StanzaErrorCondition::ItemNotFound));
      }
      event.addChild("retract", pep::kPubsubEvent).setAttribute("id", id);
    }
    host_->replyResult(request);
    if (pubsub.notifyRetract) notify(owner, pubsub.node, **config, event);
  }

  void create(const api::IqRequest& request, const PubsubRequest& pubsub) {
    auto& store = host_->storage().pep();
    const auto& owner = request.to;
    auto existing = store.findNode(owner.local(), owner.domain(), pubsub.node);
    if (!existing) return host_->replyFailure(request, existing.error(), "PEP node");
    if (*existing)
      return host_->replyError(request, StanzaError::of(StanzaErrorCondition::Conflict));
    PepNodeConfig config;
    if (pubsub.form) {
      auto requested = configFrom(config, *pubsub.form, pep::kNodeConfigFormType);
      if (auto* error = std::get_if<StanzaError>(&requested)) {
        return host_->replyError(request, *error);
      }
      config = std::get<PepNodeConfig>(requested);
    }
    auto written =
        store.configureNode(owner.local(), owner.domain(), pubsub.node, config, settings_.maxNodes);
    if (!written) return host_->replyFailure(request, written.error(), "PEP create");
    if (*written == storage::PepWrite::TooManyNodes) {
      return host_->replyError(request, tooManyNodes(request));
    }
    host_->replyResult(request);
  }

  void items(const api::IqRequest& request, const PubsubRequest& pubsub) {
    auto& store = host_->storage().pep();
    const auto& owner = request.to;
    auto config = store.findNode(owner.local(), owner.domain(), pubsub.node);
    if (!config) return host_->replyFailure(request, config.error(), "PEP node");
    if (!*config)
      return host_->replyError(request, StanzaError::of(StanzaErrorCondition::ItemNotFound));
    if (!mayAccess(owner, request.from.bare(), **config)) {
      return host_->replyError(request, accessDenied(**config));
    }
    const std::int64_t max =
        pubsub.itemIds.empty()
            ? std::min(pubsub.maxItems.value_or(settings_.maxItems), settings_.maxItems)
            : settings_.maxItems;
    auto stored =
        store.items(owner.local(), owner.domain(), pubsub.node, static_cast<std::size_t>(max));
    if (!stored) return host_->replyFailure(request, stored.error(), "PEP items");
    xml::Element answer("pubsub", pep::kPubsub);
    auto& itemsElement = answer.addChild("items", pep::kPubsub);
    itemsElement.setAttribute("node", pubsub.node);
    // Oldest first, as they were published.
    for (auto item = stored->rbegin(); item != stored->rend(); ++item) {
      if (!pubsub.itemIds.empty() && std::find(pubsub.itemIds.begin(), pubsub.itemIds.end(),
                                               item->id) == pubsub.itemIds.end()) {
        continue;
      }
      if (auto payload = parsePayload(item->payload)) {
        itemsElement.addChild(itemElement(pep::kPubsub, *item, *payload));
      }
    }
    host_->replyResult(request, std::move(answer));
  }

  void configure(const api::IqRequest& request, const PubsubRequest& pubsub) {
    auto& store = host_->storage().pep();
    const auto& owner = request.to;
    auto existing = store.findNode(owner.local(), owner.domain(), pubsub.node);
    if (!existing) return host_->replyFailure(request, existing.error(), "PEP node");
    if (!*existing)
      return host_->replyError(request, StanzaError::of(StanzaErrorCondition::ItemNotFound));
    if (!pubsub.form) {
      xml::Element answer("pubsub", pep::kPubsubOwner);
      auto& configureElement = answer.addChild("configure", pep::kPubsubOwner);
      configureElement.setAttribute("node", pubsub.node);
      configureElement.addChild(pep::configForm(**existing).toElement());
      return host_->replyResult(request, std::move(answer));
    }
    if (pubsub.form->type == "cancel") return host_->replyResult(request);
    auto requested = configFrom(**existing, *pubsub.form, pep::kNodeConfigFormType);
    if (auto* error = std::get_if<StanzaError>(&requested)) {
      return host_->replyError(request, *error);
    }
    auto written = store.configureNode(owner.local(), owner.domain(), pubsub.node,
                                       std::get<PepNodeConfig>(requested), settings_.maxNodes);
    if (!written) return host_->replyFailure(request, written.error(), "PEP configure");
    host_->replyResult(request);
  }

  void remove(const api::IqRequest& request, const PubsubRequest& pubsub) {
    auto& store = host_->storage().pep();
    const auto& owner = request.to;
    auto config = store.findNode(owner.local(), owner.domain(), pubsub.node);
    if (!config) return host_->replyFailure(request, config.error(), "PEP node");
    auto deleted = store.deleteNode(owner.local(), owner.domain(), pubsub.node);
    if (!deleted) return host_->replyFailure(request, deleted.error(), "PEP delete");
    if (!*deleted || !*config) {
      return host_->replyError(request, StanzaError::of(StanzaErrorCondition::ItemNotFound));
    }
    host_->replyResult(request);
    xml::Element event("delete", pep::kPubsubEvent);
    event.setAttribute("node", pubsub.node);
    notify(owner, pubsub.node, **config, event);
  }

  const PepSettings settings_;
  api::ModuleHost* host_ = nullptr;
  api::RosterQueries* roster_ = nullptr;  // the roster module's, required
  pep::CapsCache caps_;
  pep::PresenceWatch watch_;
  std::unique_ptr<api::OrderedWork> work_;  // by account: its requests and last-item deliveries
};

const api::ModuleRegistration kRegistration(api::describeModule<PepModule>(
    "pep", "Personal eventing (XEP-0163) over publish-subscribe (XEP-0060)", {"roster"},
    pepOptions()));

}  // namespace
}  // namespace kontalk::modules
