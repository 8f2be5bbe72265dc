#include "api/certificate_login.hpp"
#include "api/module_descriptor.hpp"
#include "modules/register/certificate_login.hpp"
#include "modules/register/registration.hpp"
#include "modules/register/registration_forms.hpp"

namespace kontalk::modules {
namespace {

using registration::kRegisterNamespace;

// How often expired verifications, private key transfers and throttle entries are dropped.
constexpr std::chrono::seconds kPurgeInterval{60};

class RegisterModule final : public api::Module {
 public:
  explicit RegisterModule(registration::RegisterSettings settings)
      : settings_(std::move(settings)) {}

  void start(api::ModuleHost& host) override {
    auto* network = host.service<api::NetworkProbe>();
    if (network == nullptr) throw std::logic_error("register: the probe module did not start");
    registration_ = std::make_unique<registration::Registration>(host, settings_, *network);
    logins_ = std::make_unique<registration::CertificateLogins>(host);
    host.provide<api::CertificateLogin>(*logins_);
    auto* service = registration_.get();
    // Spec §4: offered to unauthenticated streams (XEP-0077 §4) and in disco#info.
    host.advertiseStreamFeature(api::FeatureStage::BeforeAuthentication,
                                xml::Element("register", registration::kRegisterFeatureNamespace));
    host.advertiseDiscoFeature(api::IqScope::Server, kRegisterNamespace);
    host.onIq(api::IqScope::Unauthenticated, kRegisterNamespace, api::IqType::Set,
              [service](const auto& request) { return service->handlePreAuthSet(request); });
    host.onIq(api::IqScope::Unauthenticated, kRegisterNamespace, api::IqType::Get,
              [service](const auto& request) { return service->handlePreAuthGet(request); });
    host.onIq(api::IqScope::Server, kRegisterNamespace, api::IqType::Set,
              [service](const auto& request) { return service->handleSet(request); });
    host.onIq(api::IqScope::Server, kRegisterNamespace, api::IqType::Get,
              [service](const auto& request) { return service->handleGet(request); });
    host.onInterval(kPurgeInterval, [service] { service->purge(); });
  }

 private:
  const registration::RegisterSettings settings_;
  std::unique_ptr<registration::Registration> registration_;
  std::unique_ptr<registration::CertificateLogins> logins_;
};

const api::ModuleRegistration kRegistration(api::describeModule<RegisterModule>(
    "register", "Kontalk registration (spec §4) and certificate login (SASL EXTERNAL, spec §3)",
    {"probe"}, registration::registerOptions()));

}  // namespace
}  // namespace kontalk::modules
