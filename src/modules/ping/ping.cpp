#include "api/module_descriptor.hpp"

#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

class PingModule final : public api::Module {
 public:
  void start(api::ModuleHost& host) override {
    host.advertiseDiscoFeature(api::IqScope::Server, ns::kPing);
    // XEP-0199 §4.2: the server answers c2s pings (to = domain). Pings to an account's bare JID
    // are answered by the server on the account's behalf (RFC 6121 §8.5.1 lets it), which also
    // tells a client that the account exists and the server is reachable.
    for (auto scope : {api::IqScope::Server, api::IqScope::Account}) {
      host.onIq(scope, ns::kPing, api::IqType::Get, [&host](const api::IqRequest& request) {
        host.replyResult(request);
        return api::HandlerResult::Handled;
      });
    }
  }
};

const api::ModuleRegistration kRegistration(
    api::describeModule<PingModule>("ping", "XMPP ping (XEP-0199) answered by the server", {}));

}  // namespace

}  // namespace kontalk::modules
