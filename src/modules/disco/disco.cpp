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
    for (auto scope : {IqScope::Server, IqScope::Account}) {
      host.advertiseDiscoFeature(scope, ns::kDiscoInfo);
      host.advertiseDiscoFeature(scope, ns::kDiscoItems);
      host.onIq(scope, ns::kDiscoInfo, api::IqType::Get,
                [this, scope](const IqRequest& request) { return info(request, scope); });
      host.onIq(scope, ns::kDiscoItems, api::IqType::Get,
                [this](const IqRequest& request) { return items(request); });
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
    for (const auto& identity : host_->discoIdentities(scope)) {
      auto& element = query.addChild("identity", ns::kDiscoInfo);
      element.setAttribute("category", identity.category);
      element.setAttribute("type", identity.type);
      if (!identity.name.empty()) element.setAttribute("name", identity.name);
    }
    for (const auto& var : host_->discoFeatures(scope)) {
      query.addChild("feature", ns::kDiscoInfo).setAttribute("var", var);
    }
    host_->replyResult(request, std::move(query));
    return HandlerResult::Handled;
  }

  HandlerResult items(const IqRequest& request) {
    if (request.payload.hasAttribute("node")) {
      host_->replyError(request, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::ItemNotFound));
      return HandlerResult::Handled;
    }
    // No items yet: components (probe, multicast, push, upload) add theirs in later modules.
    host_->replyResult(request, xml::Element("query", ns::kDiscoItems));
    return HandlerResult::Handled;
  }

  api::ModuleHost* host_ = nullptr;
};

const api::ModuleRegistration kRegistration(api::describeModule<DiscoModule>(
    "disco", "Service discovery (XEP-0030): what every module advertised", {}));

}  // namespace

}  // namespace kontalk::modules
