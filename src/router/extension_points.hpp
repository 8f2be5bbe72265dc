#pragma once
// Everything modules registered with the server (ARCHITECTURE.md §4), in one place, each entry
// tagged with the module that registered it so that stopping a module undoes its registrations.
// Threading: filled by the modules' hosts during start-up on the main thread and emptied at
// shutdown on the main thread after the shards stopped: while the server runs it is read-only,
// so the router, the streams and the hosts read it from any thread without locks.

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <typeindex>
#include <utility>
#include <vector>

#include "api/account_events.hpp"
#include "api/delivery_journal.hpp"
#include "api/iq.hpp"
#include "api/module_host.hpp"
#include "api/session.hpp"
#include "api/stanza_hooks.hpp"

namespace kontalk::router {

struct ExtensionPoints {
  template <typename T>
  struct Owned {
    std::string owner;  // the module's name
    T value;
  };
  struct OrderedStanzaHandler {
    std::string owner;
    int order;
    api::StanzaHandler handler;
  };
  using IqKey = std::tuple<api::IqScope, std::string, api::IqType>;

  std::map<IqKey, Owned<api::IqHandler>> iq;
  std::map<api::StanzaHook, std::vector<OrderedStanzaHandler>> stanzaHooks;  // sorted by order
  std::map<api::SessionEvent, std::vector<Owned<api::SessionHandler>>> sessionHandlers;
  std::map<std::pair<std::string, std::string>, Owned<api::StreamElementHandler>> streamElements;
  std::map<api::FeatureStage, std::vector<Owned<xml::Element>>> streamFeatures;
  std::vector<Owned<api::KeyChangeHandler>> keyChanges;
  std::map<api::IqScope, std::vector<Owned<std::string>>> discoFeatures;
  std::map<api::IqScope, std::vector<Owned<api::DiscoIdentity>>> discoIdentities;
  std::vector<Owned<api::ServiceAddress>> serviceAddresses;
  // HTTP routes by path prefix (api::ModuleHost::onHttp), served by the http layer.
  std::vector<Owned<std::pair<std::string, api::HttpHandler>>> httpRoutes;
  std::map<std::type_index, Owned<void*>> services;
  // The offline module's journal (a service), looked up once: the router reads it per message.
  api::DeliveryJournal* journal = nullptr;

  // Runs the handlers of `hook` in order; Handled when one of them consumed the stanza.
  api::HandlerResult run(api::StanzaHook hook, api::StanzaEvent& event) const;
  // Runs every handler of `event`, in registration order.
  void notify(api::SessionEvent event, const api::Session& session) const;
  const api::IqHandler* findIq(api::IqScope scope, const std::string& xmlns,
                               api::IqType type) const;
  void* findService(std::type_index type) const;
  // The handler whose prefix is `path` or a '/'-bounded start of it (the longest wins), and how
  // many path segments the prefix has ("/upload": 1); {nullptr, 0} when none.
  std::pair<const api::HttpHandler*, std::size_t> findHttpRoute(std::string_view path) const;
  // True when `domain` is a subdomain service's (api::ServiceAddress::subdomain) of `parent`.
  bool isServiceDomain(std::string_view domain, std::string_view parent) const;
  // Undoes every registration of `owner`.
  void removeOwner(std::string_view owner);
};

}  // namespace kontalk::router
