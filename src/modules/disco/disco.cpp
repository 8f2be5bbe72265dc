#include "api/adhoc_commands.hpp"
#include "api/module_descriptor.hpp"

#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::HandlerResult;
using api::IqRequest;
using api::IqScope;

class DiscoModule final : public api::Module {
 public:
  void start(api::ModuleHost& host) override {
    host_ = &host;
    // The adhoc module, when it runs, knows the commands of the domain and its services.
    commands_ = host.service<api::AdHocCommands>();
    for (auto scope : {IqScope::Server, IqScope::Account, IqScope::Service}) {
      if (scope != IqScope::Service) {
        host.advertiseDiscoFeature(scope, ns::kDiscoInfo);
        host.advertiseDiscoFeature(scope, ns::kDiscoItems);
      }
      host.onIq(scope, ns::kDiscoInfo, api::IqType::Get,
                [this, scope](const IqRequest& request) { return info(request, scope); });
      host.onIq(scope, ns::kDiscoItems, api::IqType::Get,
                [this, scope](const IqRequest& request) { return items(request, scope); });
    }
    host.advertiseDiscoIdentity(IqScope::Server, {"server", "im", "Kontalk"});
    host.advertiseDiscoIdentity(IqScope::Account, {"account", "registered", ""});
  }

 private:
  HandlerResult info(const IqRequest& request, IqScope scope) {
    // Nodes are not offered yet (XEP-0030 §3.2): a query for one is item-not-found.
    if (request.payload.hasAttribute("node")) {
      host_->replyError(request, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::ItemNotFound));
      return HandlerResult::Handled;
    }
    xml::Element query("query", ns::kDiscoInfo);
    // A service address of the domain (probe@, multicast@, ...) describes itself.
    const auto services = host_->serviceAddresses();
    if (const auto* service = serviceAt(services, request.to, scope, host_->domain())) {
      addIdentity(query, service->identity);
      for (const auto& var : service->features) addFeature(query, var);
      // XEP-0128: extended information (the upload service's max-file-size, spec §8.6).
      for (const auto& form : service->forms) query.addChild(form);
    } else {
      for (const auto& identity : host_->discoIdentities(scope)) addIdentity(query, identity);
      for (const auto& var : host_->discoFeatures(scope)) addFeature(query, var);
    }
    host_->replyResult(request, std::move(query));
    return HandlerResult::Handled;
  }

  HandlerResult items(const IqRequest& request, IqScope scope) {
    if (request.payload.hasAttribute("node")) {
      if (request.payload.attribute("node") == ns::kCommands) return commandItems(request, scope);
      if (scope == IqScope::Server) return domainNodeItems(request);
      host_->replyError(request, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::ItemNotFound));
      return HandlerResult::Handled;
    }
    xml::Element query("query", ns::kDiscoItems);
    // XEP-0030 §4: the domain's items are its service addresses (the Kontalk clients look for
    // probe@, network@ and the upload service there, spec §7, §8).
    if (scope == IqScope::Server) {
      for (const auto& service : host_->serviceAddresses()) {
        auto& item = query.addChild("item", ns::kDiscoItems);
        item.setAttribute("jid", service.jid(host_->domain()));
        if (!service.name.empty()) item.setAttribute("name", service.name);
      }
    }
    host_->replyResult(request, std::move(query));
    return HandlerResult::Handled;
  }

  // A node of the domain a service answers for (the push providers, spec §8.3); other nodes are
  // not offered (XEP-0030 §3.2: item-not-found).
  HandlerResult domainNodeItems(const IqRequest& request) {
    const std::string_view wanted = request.payload.attribute("node");
    for (const auto& service : host_->serviceAddresses()) {
      for (const auto& node : service.domainNodes) {
        if (node.node != wanted) continue;
        xml::Element query("query", ns::kDiscoItems);
        query.setAttribute("node", node.node);
        for (const auto& entry : node.items) {
          auto& item = query.addChild("item", ns::kDiscoItems);
          item.setAttribute("jid", entry.jid);
          if (!entry.node.empty()) item.setAttribute("node", entry.node);
          if (!entry.name.empty()) item.setAttribute("name", entry.name);
        }
        host_->replyResult(request, std::move(query));
        return HandlerResult::Handled;
      }
    }
    host_->replyError(request, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::ItemNotFound));
    return HandlerResult::Handled;
  }

  // XEP-0050 §2.2: the commands node of the domain or of a service address lists the commands
  // there that the requester may run (XEP-0133 admin commands only for admins); elsewhere the
  // node is not offered (XEP-0030 §3.2: item-not-found).
  HandlerResult commandItems(const IqRequest& request, IqScope scope) {
    std::string address;
    if (scope != IqScope::Server) {
      const auto services = host_->serviceAddresses();
      const auto* service = serviceAt(services, request.to, scope, host_->domain());
      if (service == nullptr || service->subdomain) {
        host_->replyError(request, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::ItemNotFound));
        return HandlerResult::Handled;
      }
      address = service->localpart;
    }
    xml::Element query("query", ns::kDiscoItems);
    query.setAttribute("node", ns::kCommands);
    if (commands_ != nullptr) {
      for (const auto& command : commands_->commandsFor(address, request.from)) {
        auto& item = query.addChild("item", ns::kDiscoItems);
        item.setAttribute("jid", command.jid);
        item.setAttribute("node", command.node);
        item.setAttribute("name", command.name);
      }
    }
    host_->replyResult(request, std::move(query));
    return HandlerResult::Handled;
  }

  static const api::ServiceAddress* serviceAt(const std::vector<api::ServiceAddress>& services,
                                              const xmpp::Jid& to, IqScope scope,
                                              const std::string& domain) {
    for (const auto& service : services) {
      if (scope == IqScope::Account && !service.subdomain && service.localpart == to.local()) {
        return &service;
      }
      if (scope == IqScope::Service && service.subdomain && service.jid(domain) == to.domain()) {
        return &service;
      }
    }
    return nullptr;
  }

  static void addIdentity(xml::Element& query, const api::DiscoIdentity& identity) {
    auto& element = query.addChild("identity", ns::kDiscoInfo);
    element.setAttribute("category", identity.category);
    element.setAttribute("type", identity.type);
    if (!identity.name.empty()) element.setAttribute("name", identity.name);
  }

  static void addFeature(xml::Element& query, const std::string& var) {
    query.addChild("feature", ns::kDiscoInfo).setAttribute("var", var);
  }

  api::ModuleHost* host_ = nullptr;
  const api::AdHocCommands* commands_ = nullptr;
};

const api::ModuleRegistration kRegistration(
    api::startsAfter(api::describeModule<DiscoModule>(
                         "disco", "Service discovery (XEP-0030): what every module advertised", {}),
                     {"adhoc"}));

}  // namespace

}  // namespace kontalk::modules
