#include "modules/disco/disco.hpp"

#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::HandlerResult;
using api::IqRequest;
using api::IqScope;

class DiscoModule final : public api::Module {
 public:
  std::string_view name() const override { return "disco"; }

  void start(api::ModuleHost& host) override {
    host_ = &host;
    for (auto scope : {IqScope::Server, IqScope::Account}) {
      host.addDiscoFeature(scope, ns::kDiscoInfo);
      host.addDiscoFeature(scope, ns::kDiscoItems);
      host.handleIq(scope, ns::kDiscoInfo, api::IqType::Get,
                    [this, scope](const IqRequest& request) { return info(request, scope); });
      host.handleIq(scope, ns::kDiscoItems, api::IqType::Get,
                    [this](const IqRequest& request) { return items(request); });
    }
    host.addDiscoIdentity(IqScope::Server, {"server", "im", "Kontalk"});
    host.addDiscoIdentity(IqScope::Account, {"account", "registered", ""});
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

}  // namespace

std::unique_ptr<api::Module> makeDiscoModule() {
  return std::make_unique<DiscoModule>();
}

}  // namespace kontalk::modules
