#include "modules/register/register.hpp"

#include "modules/register/registration.hpp"
#include "modules/register/registration_forms.hpp"

namespace kontalk::modules {
namespace {

using registration::kRegisterNamespace;

// How often expired verifications, private key transfers and throttle entries are dropped.
constexpr std::chrono::seconds kPurgeInterval{60};

class RegisterModule final : public api::Module {
 public:
  std::string_view name() const override { return "register"; }

  void start(api::ModuleHost& host) override {
    registration_ = std::make_unique<registration::Registration>(
        host, registration::RegisterConfig::read(host));
    auto* service = registration_.get();
    // Spec §4: offered to unauthenticated streams (XEP-0077 §4) and in disco#info.
    host.addStreamFeature(api::FeatureStage::BeforeAuthentication,
                          xml::Element("register", registration::kRegisterFeatureNamespace));
    host.addDiscoFeature(api::IqScope::Server, kRegisterNamespace);
    host.handlePreAuthIq(kRegisterNamespace, api::IqType::Set, [service](const auto& request) {
      return service->handlePreAuthSet(request);
    });
    host.handlePreAuthIq(kRegisterNamespace, api::IqType::Get, [service](const auto& request) {
      return service->handlePreAuthGet(request);
    });
    host.handleIq(api::IqScope::Server, kRegisterNamespace, api::IqType::Set,
                  [service](const auto& request) { return service->handleSet(request); });
    host.handleIq(api::IqScope::Server, kRegisterNamespace, api::IqType::Get,
                  [service](const auto& request) { return service->handleGet(request); });
    host.every(kPurgeInterval, [service] { service->purge(); });
  }

 private:
  std::unique_ptr<registration::Registration> registration_;
};

}  // namespace

std::unique_ptr<api::Module> makeRegisterModule() {
  return std::make_unique<RegisterModule>();
}

}  // namespace kontalk::modules
