#include "modules/roster/roster.hpp"

#include <charconv>
#include <stdexcept>

#include "modules/roster/roster_service.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using roster::RosterService;

constexpr std::string_view kName = "roster";

// A positive integer setting; a malformed value is a start-up error (ARCHITECTURE.md §10).
std::size_t configSize(const api::ModuleHost& host, std::string_view key, std::size_t fallback) {
  const std::string text = host.configString(kName, key, std::to_string(fallback));
  std::size_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0) {
    throw std::runtime_error("[modules.roster] " + std::string(key) +
                             " must be a positive integer, not '" + text + "'");
  }
  return value;
}

class RosterModule final : public api::Module {
 public:
  std::string_view name() const override { return kName; }

  void start(api::ModuleHost& host) override {
    roster::RosterLimits limits;
    limits.maxItems = configSize(host, "max_items", limits.maxItems);
    limits.maxNameBytes = configSize(host, "max_name_length", limits.maxNameBytes);
    limits.maxGroups = configSize(host, "max_groups", limits.maxGroups);
    limits.maxGroupBytes = configSize(host, "max_group_length", limits.maxGroupBytes);
    const std::size_t maxDirected = configSize(host, "max_directed_presences", 100);
    service_ = std::make_unique<RosterService>(host, limits, maxDirected);
    RosterService& service = *service_;

    host.handleIq(
        api::IqScope::Account, ns::kRoster, api::IqType::Get,
        [&service](const api::IqRequest& request) { return service.handleRosterGet(request); });
    host.handleIq(
        api::IqScope::Account, ns::kRoster, api::IqType::Set,
        [&service](const api::IqRequest& request) { return service.handleRosterSet(request); });
    host.hookStanza(
        api::StanzaHook::FromClient, roster::kHookOrder,
        [&service](api::StanzaEvent& event) { return service.handleFromClient(event); });
    host.hookStanza(api::StanzaHook::ToAccount, roster::kHookOrder,
                    [&service](api::StanzaEvent& event) { return service.handleToAccount(event); });
    host.hookSessionBound(
        [&service](const api::Session& session) { service.handleSessionBound(session); });
    host.hookSessionClosed(
        [&service](const api::Session& session) { service.handleSessionClosed(session); });
    // RFC 6121 §2.6.1 and §3.4.1: both are announced after authentication.
    host.addStreamFeature(api::FeatureStage::AfterAuthentication,
                          xml::Element("ver", ns::kRosterVersioning));
    host.addStreamFeature(api::FeatureStage::AfterAuthentication,
                          xml::Element("sub", ns::kPreApproval));
  }

 private:
  std::unique_ptr<RosterService> service_;
};

}  // namespace

std::unique_ptr<api::Module> makeRosterModule() {
  return std::make_unique<RosterModule>();
}

}  // namespace kontalk::modules
