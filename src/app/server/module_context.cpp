#include "app/server/module_context.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "xmpp/jid.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::app {

ModuleContext::ModuleContext(std::string moduleName, ModuleServices& services)
    : name_(std::move(moduleName)), services_(services) {}

void ModuleContext::checkRegistering(std::string_view what) const {
  if (!registering_) {
    throw std::logic_error("module " + name_ + " registered " + std::string(what) +
                           " outside its start()");
  }
}

void ModuleContext::onIq(api::IqScope scope, std::string xmlns, api::IqType type,
                         api::IqHandler handler) {
  checkRegistering("an IQ handler");
  auto& table = services_.extensions.iq;
  router::ExtensionPoints::IqKey key{scope, xmlns, type};
  if (const auto existing = table.find(key); existing != table.end()) {
    throw std::logic_error("modules " + existing->second.owner + " and " + name_ +
                           " both handle IQs in namespace " + xmlns);
  }
  table.emplace(std::move(key),
                router::ExtensionPoints::Owned<api::IqHandler>{name_, std::move(handler)});
}

void ModuleContext::onStanza(api::StanzaHook point, int order, api::StanzaHandler handler) {
  checkRegistering("a stanza hook");
  auto& handlers = services_.extensions.stanzaHooks[point];
  // Two modules at one order would run in whichever order they started: a hidden dependency.
  // Orders are unique per hook point (docs/architecture.md lists them).
  for (const auto& entry : handlers) {
    if (entry.order == order && entry.owner != name_) {
      throw std::logic_error("modules " + entry.owner + " and " + name_ +
                             " hook the same point at order " + std::to_string(order));
    }
  }
  const auto position =
      std::upper_bound(handlers.begin(), handlers.end(), order,
                       [](int value, const auto& entry) { return value < entry.order; });
  handlers.insert(position, {name_, order, std::move(handler)});
}

void ModuleContext::onSession(api::SessionEvent event, api::SessionHandler handler) {
  checkRegistering("a session handler");
  services_.extensions.sessionHandlers[event].push_back({name_, std::move(handler)});
}

void ModuleContext::onStreamElement(std::string xmlns, std::string name,
                                    api::StreamElementHandler handler) {
  checkRegistering("a stream element handler");
  auto key = std::make_pair(std::move(xmlns), std::move(name));
  auto& handlers = services_.extensions.streamElements;
  if (const auto existing = handlers.find(key); existing != handlers.end()) {
    throw std::logic_error("modules " + existing->second.owner + " and " + name_ +
                           " both handle the stream element " + key.second);
  }
  handlers.emplace(std::move(key), router::ExtensionPoints::Owned<api::StreamElementHandler>{
                                       name_, std::move(handler)});
}

void ModuleContext::onKeyChange(api::KeyChangeHandler handler) {
  checkRegistering("a key change handler");
  services_.extensions.keyChanges.push_back({name_, std::move(handler)});
}

void ModuleContext::onInterval(std::chrono::seconds interval, std::function<void()> task) {
  checkRegistering("a periodic task");
  periodicTasks_.push_back({name_, interval, std::move(task)});
}

void ModuleContext::onHttp(std::string prefix, api::HttpHandler handler) {
  checkRegistering("an HTTP route");
  if (!prefix.starts_with('/') || prefix.size() < 2 || prefix.ends_with('/')) {
    throw std::logic_error("module " + name_ + " registered the HTTP prefix '" + prefix +
                           "': it must start with '/' and not end with one");
  }
  for (const auto& existing : services_.extensions.httpRoutes) {
    if (existing.value.first == prefix) {
      throw std::logic_error("modules " + existing.owner + " and " + name_ + " both serve " +
                             prefix);
    }
  }
  services_.extensions.httpRoutes.push_back({name_, {std::move(prefix), std::move(handler)}});
}

void ModuleContext::advertiseStreamFeature(api::FeatureStage stage, xml::Element feature) {
  checkRegistering("a stream feature");
  services_.extensions.streamFeatures[stage].push_back({name_, std::move(feature)});
}

void ModuleContext::advertiseDiscoFeature(api::IqScope scope, std::string var) {
  checkRegistering("a disco feature");
  services_.extensions.discoFeatures[scope].push_back({name_, std::move(var)});
}

void ModuleContext::advertiseDiscoIdentity(api::IqScope scope, api::DiscoIdentity identity) {
  checkRegistering("a disco identity");
  services_.extensions.discoIdentities[scope].push_back({name_, std::move(identity)});
}

void ModuleContext::advertiseService(api::ServiceAddress service) {
  checkRegistering("a service address");
  for (const auto& existing : services_.extensions.serviceAddresses) {
    if (existing.value.localpart == service.localpart) {
      throw std::logic_error("modules " + existing.owner + " and " + name_ + " both serve " +
                             service.localpart + "@");
    }
  }
  services_.extensions.serviceAddresses.push_back({name_, std::move(service)});
}

std::vector<api::ServiceAddress> ModuleContext::serviceAddresses() const {
  std::vector<api::ServiceAddress> addresses;
  for (const auto& address : services_.extensions.serviceAddresses) {
    addresses.push_back(address.value);
  }
  return addresses;
}

void ModuleContext::provideService(std::type_index type, void* service) {
  checkRegistering("a service");
  auto& services = services_.extensions.services;
  if (const auto existing = services.find(type); existing != services.end()) {
    throw std::logic_error("modules " + existing->second.owner + " and " + name_ +
                           " both provide " + type.name());
  }
  services.emplace(type, router::ExtensionPoints::Owned<void*>{name_, service});
  if (type == typeid(api::DeliveryJournal)) {
    services_.extensions.journal = static_cast<api::DeliveryJournal*>(service);
  }
}

void* ModuleContext::findService(std::type_index type) const {
  return services_.extensions.findService(type);
}

namespace {

// The account an address belongs to: work for one account keeps its order whatever resource it
// names (a roster push to alice/phone and a presence to alice must not overtake each other).
std::string accountOf(std::string_view address) {
  return std::string(address.substr(0, address.find('/')));
}

}  // namespace

asio::io_context& ModuleContext::shardOf(const std::string& account) {
  return services_.shards.shardFor(std::hash<std::string>{}(account));
}

void ModuleContext::onShard(const std::string& account, std::function<void()> work) {
  if (core::ShardPool::onShardThread()) {
    work();
    return;
  }
  asio::post(shardOf(account), std::move(work));
}

void ModuleContext::send(xml::Element stanza) {
  send(std::move(stanza), {});
}

void ModuleContext::send(xml::Element stanza, api::AcknowledgementHold hold) {
  const std::string account = accountOf(stanza.attribute("to"));
  // The hold ends with this work, after the router took the stanza (and its hooks carried the
  // hold on where they defer work of their own).
  onShard(account, [&router = services_.router, stanza = std::move(stanza),
                    hold = std::move(hold)]() mutable {
    router.route(std::move(stanza), 0, api::AcknowledgementSource{nullptr, std::move(hold)});
  });
}

bool ModuleContext::sendIq(xml::Element iq, std::chrono::milliseconds timeout,
                           IqResponseHandler onResponse) {
  const auto from = xmpp::Jid::parse(iq.attribute("from"));
  const auto to = xmpp::Jid::parse(iq.attribute("to"));
  const std::string id(iq.attribute("id"));
  if (!from || !to || id.empty()) {
    spdlog::warn("module {}: sendIq needs 'from', 'to' and 'id'", name_);
    return false;
  }
  const std::string requester = from->bareString();
  auto& pending = services_.router.pendingIqs();
  if (!pending.add(requester, id, to->bareString(), std::move(onResponse))) {
    spdlog::warn("module {}: IQ {} to {} not sent: already waiting, or {} requests wait", name_, id,
                 to->bareString(), pending.size());
    return false;
  }
  // The deadline: the timer keeps itself alive in its handler; an answer that came first left
  // nothing for it to expire. The made-up error is what an s2s layer answers when a peer stays
  // silent (spec §7.9).
  auto timer = std::make_shared<asio::steady_timer>(shardOf(requester), timeout);
  timer->async_wait(
      [timer, &pending, requester, id, request = iq](const boost::system::error_code& error) {
        if (error) return;
        if (auto callback = pending.expire(requester, id)) {
          auto timedOut = xmpp::StanzaError::of(xmpp::StanzaErrorCondition::RemoteServerTimeout);
          timedOut.type = xmpp::StanzaErrorType::Wait;
          (*callback)(xmpp::makeErrorReply(request, timedOut));
        }
      });
  send(std::move(iq));
  return true;
}

void ModuleContext::sendRecorded(xml::Element message, api::JournalId id) {
  const std::string account = accountOf(message.attribute("to"));
  onShard(account, [&router = services_.router, message = std::move(message), id]() mutable {
    router.route(std::move(message), id);
  });
}

void ModuleContext::deliverHeld(const xmpp::Jid& session, xml::Element stanza) {
  onShard(session.bareString(),
          [&router = services_.router, session, stanza = std::move(stanza)]() mutable {
            router.deliverHeld(session, std::move(stanza));
          });
}

void ModuleContext::deliverToResources(xml::Element presence) {
  // Always queued, also from a shard: behind everything already posted for the account (what a
  // module's worker sent for it just before, e.g. the roster push of a subscription, api doc).
  const std::string account = accountOf(presence.attribute("to"));
  asio::post(shardOf(account),
             [&router = services_.router, presence = std::move(presence)]() mutable {
               router.deliverToResources(std::move(presence));
             });
}

void ModuleContext::announceKeyChange(const api::KeyChange& change) {
  for (const auto& handler : services_.extensions.keyChanges) handler.value(change);
}

std::vector<std::shared_ptr<const api::Session>> ModuleContext::sessionsOf(
    const xmpp::Jid& bareJid) const {
  auto sessions = services_.router.sessions().sessionsOf(bareJid);
  return {sessions.begin(), sessions.end()};
}

std::vector<std::string> ModuleContext::discoFeatures(api::IqScope scope) const {
  std::set<std::string> unique;
  if (const auto found = services_.extensions.discoFeatures.find(scope);
      found != services_.extensions.discoFeatures.end()) {
    for (const auto& feature : found->second) unique.insert(feature.value);
  }
  return {unique.begin(), unique.end()};
}

std::vector<api::DiscoIdentity> ModuleContext::discoIdentities(api::IqScope scope) const {
  std::vector<api::DiscoIdentity> identities;
  if (const auto found = services_.extensions.discoIdentities.find(scope);
      found != services_.extensions.discoIdentities.end()) {
    for (const auto& identity : found->second) identities.push_back(identity.value);
  }
  return identities;
}

void ModuleContext::runBlocking(std::function<void()> work, api::WorkKind kind) {
  (kind == api::WorkKind::External ? services_.externalWorkers : services_.workers)
      .post(std::move(work));
}

}  // namespace kontalk::app
