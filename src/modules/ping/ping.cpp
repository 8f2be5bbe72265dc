#include "modules/ping/ping.hpp"

#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

class PingModule final : public api::Module {
 public:
  std::string_view name() const override { return "ping"; }

  void start(api::ModuleHost& host) override {
    host.addDiscoFeature(api::IqScope::Server, ns::kPing);
    // XEP-0199 §4.2: the server answers c2s pings (to = domain). Pings to an account's bare JID
    // are answered by the server on the account's behalf (RFC 6121 §8.5.1 lets it), which also
    // tells a client that the account exists and the server is reachable.
    for (auto scope : {api::IqScope::Server, api::IqScope::Account}) {
      host.handleIq(scope, ns::kPing, api::IqType::Get, [&host](const api::IqRequest& request) {
        host.replyResult(request);
        return api::HandlerResult::Handled;
      });
    }
  }
};

}  // namespace

std::unique_ptr<api::Module> makePingModule() {
  return std::make_unique<PingModule>();
}

}  // namespace kontalk::modules
