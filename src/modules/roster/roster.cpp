#include "api/module_descriptor.hpp"
#include "api/roster_queries.hpp"
#include "modules/roster/roster_service.hpp"
#include "modules/roster/roster_settings.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using roster::RosterService;

class RosterModule final : public api::Module {
 public:
  explicit RosterModule(const roster::RosterSettings& settings) : settings_(settings) {}

  void start(api::ModuleHost& host) override {
    service_ = std::make_unique<RosterService>(host, settings_, settings_.maxDirectedPresences);
    RosterService& service = *service_;
    host.provide<api::RosterQueries>(service);

    host.onIq(
        api::IqScope::Account, ns::kRoster, api::IqType::Get,
        [&service](const api::IqRequest& request) { return service.handleRosterGet(request); });
    host.onIq(
        api::IqScope::Account, ns::kRoster, api::IqType::Set,
        [&service](const api::IqRequest& request) { return service.handleRosterSet(request); });
    host.onStanza(api::StanzaHook::FromClient, roster::kHookOrder,
                  [&service](api::StanzaEvent& event) { return service.handleFromClient(event); });
    host.onStanza(api::StanzaHook::ToAccount, roster::kHookOrder,
                  [&service](api::StanzaEvent& event) { return service.handleToAccount(event); });
    host.onSession(api::SessionEvent::Bound, [&service](const api::Session& session) {
      service.handleSessionBound(session);
    });
    host.onSession(api::SessionEvent::Closed, [&service](const api::Session& session) {
      service.handleSessionClosed(session);
    });
    // RFC 6121 §2.6.1 and §3.4.1: both are announced after authentication.
    host.advertiseStreamFeature(api::FeatureStage::AfterAuthentication,
                                xml::Element("ver", ns::kRosterVersioning));
    host.advertiseStreamFeature(api::FeatureStage::AfterAuthentication,
                                xml::Element("sub", ns::kPreApproval));
  }

 private:
  const roster::RosterSettings settings_;
  std::unique_ptr<RosterService> service_;
};

const api::ModuleRegistration kRegistration(api::describeModule<RosterModule>(
    "roster", "Rosters, subscriptions and presence (RFC 6121)", {}, roster::rosterOptions()));

}  // namespace

}  // namespace kontalk::modules
