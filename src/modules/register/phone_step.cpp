// Spec §4.1: a client asks for a verification of its phone number. Checks on the shard (terms,
// number, throttle), then the account look-up on the storage pool and, unless forced, the other
// servers of the network (spec §7.7, through the probe module), the provider on the external
// pool (a gateway may take its whole timeout) and the pending verification on the storage pool.
#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/register/phone_number.hpp"
#include "modules/register/registration.hpp"
#include "modules/register/registration_forms.hpp"
#include "storage/storage.hpp"

namespace kontalk::modules::registration {

using xmpp::StanzaErrorCondition;

// One verification request on its way through the stages (storage, provider, storage).
struct Registration::PhoneVerification {
  IqReply reply;
  std::string phone;  // E.164
  std::string address;
  bool force = false;
  // The provider chosen for the request; after startWithProvider, the one that started it.
  VerificationProvider* provider = nullptr;
};

namespace {

// Spec §4.1 "Provider choice".
VerificationProvider& chooseProvider(const ProviderSet& providers, const xmpp::DataForm& form) {
  if (const auto challenge = form.value("challenge")) {
    if (auto* provider = providers.byChallenge(*challenge)) return *provider;
  }
  if (isTrue(form.value("fallback")) && providers.fallback() != nullptr) {
    return *providers.fallback();
  }
  return providers.primary();
}

}  // namespace

void Registration::startVerification(const IqReply& reply, const xmpp::DataForm& form,
                                     const std::string& address) {
  if (!config_.termsUrl.empty() && !isTrue(form.value("accept-terms"))) {
    spdlog::info("register: {} refused: terms not accepted", address);
    reply.error(stanzaError(StanzaErrorCondition::BadRequest, kTermsNotAccepted));
    return;
  }
  const auto phone = normalizePhoneNumber(form.value("phone").value_or(""));
  if (!phone) {
    spdlog::info("register: {} refused: bad phone number", address);
    reply.error(stanzaError(StanzaErrorCondition::BadRequest, kBadPhoneNumber));
    return;
  }
  // Before any storage or provider work: throttling is what keeps a flood of requests cheap.
  if (const auto limit = throttle_.tryAttempt(address, *phone, ThrottleClock::now())) {
    spdlog::info("register: {} refused for {}: throttled by {}", address, *phone, *limit);
    reply.error(throttledError());
    return;
  }
  auto verification = std::make_shared<PhoneVerification>(PhoneVerification{
      reply, *phone, address, isTrue(form.value("force")), &chooseProvider(providers_, form)});
  host_.runBlocking([this, verification] { checkAccount(verification); });
}

void Registration::checkAccount(const std::shared_ptr<PhoneVerification>& verification) {
  const std::string& phone = verification->phone;
  auto existing = host_.storage().accounts().find(usernameForPhoneNumber(phone), host_.domain());
  if (!existing) {
    verification->reply.failure(existing.error(), "account look-up");
    return;
  }
  if (verification->force) {
    startWithProviderLater(verification);
    return;
  }
  if (existing->has_value()) {
    refuseRegistered(*verification, host_.domain());
    return;
  }
  // Spec §7.7: registered on another server of the network? Peers that fail or stay silent count
  // as "no": the verification starts at most probe_timeout later.
  network_.findOnPeers({usernameForPhoneNumber(phone)},
                       [this, verification](std::vector<xmpp::Jid> matches) {
                         if (!matches.empty()) {
                           refuseRegistered(*verification, matches.front().domain());
                         } else {
                           startWithProviderLater(verification);
                         }
                       });
}

void Registration::refuseRegistered(const PhoneVerification& verification,
                                    const std::string& where) {
  spdlog::info("register: {} refused for {}: already registered on {}", verification.address,
               verification.phone, where);
  auto error = stanzaError(StanzaErrorCondition::Conflict, kAlreadyRegistered);
  error.type = xmpp::StanzaErrorType::Modify;
  verification.reply.error(error);
}

void Registration::startWithProviderLater(const std::shared_ptr<PhoneVerification>& verification) {
  host_.runBlocking([this, verification] { startWithProvider(verification); },
                    api::WorkKind::External);
}

void Registration::startWithProvider(const std::shared_ptr<PhoneVerification>& verification) {
  const std::string& phone = verification->phone;
  const std::string& domain = host_.domain();
  // Spec §4.1: when a provider cannot start, the fallback is tried once; a provider that is
  // busy with this number (spec §4.5) is a throttle, not a failure.
  VerificationProvider* used = verification->provider;
  auto started = used->start(domain, phone);
  if (!started && !started.error().is(StatusCode::Overloaded) && providers_.fallback() != nullptr &&
      providers_.fallback() != used) {
    spdlog::warn("register: provider {} failed for {}: {}; trying {}", used->name(), phone,
                 started.error().message, providers_.fallback()->name());
    used = providers_.fallback();
    started = used->start(domain, phone);
  }
  if (!started && started.error().is(StatusCode::Overloaded)) {
    spdlog::info("register: {} refused for {}: provider {} is busy: {}", verification->address,
                 phone, used->name(), started.error().message);
    verification->reply.error(throttledError());
    return;
  }
  if (!started) {
    spdlog::warn("register: provider {} failed for {}: {}", used->name(), phone,
                 started.error().message);
    verification->reply.error(stanzaError(StanzaErrorCondition::NotAcceptable, kUnableToVerify));
    return;
  }
  verification->provider = used;
  host_.runBlocking([this, verification, outcome = std::move(*started)] {
    storeVerification(verification, outcome);
  });
}

void Registration::storeVerification(const std::shared_ptr<PhoneVerification>& verification,
                                     const VerificationStarted& started) {
  const std::string& phone = verification->phone;
  const VerificationProvider& used = *verification->provider;
  storage::VerificationRequest request;
  request.username = usernameForPhoneNumber(phone);
  request.domain = host_.domain();
  request.phone = phone;
  request.provider = std::string(used.name());
  request.handle = started.handle;
  request.createdAt = base::unixNow();
  request.expiresAt = request.createdAt + config_.codeTtl.count();
  if (auto stored = host_.storage().registration().putVerification(request); !stored) {
    verification->reply.failure(stored.error(), "storing the verification");
    return;
  }
  spdlog::info("register: verification of {} ({}) started with {}", phone, request.username,
               used.name());
  const bool canFallback = providers_.fallback() != nullptr && providers_.fallback() != &used;
  const std::string sender = started.sender.value_or(std::string(used.senderId()));
  verification->reply.result(verificationStartedQuery(used.instructions(phone), sender,
                                                      used.challengeType(), canFallback));
}

}  // namespace kontalk::modules::registration
