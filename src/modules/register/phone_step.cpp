// Spec §4.1: a client asks for a verification of its phone number.
#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/register/phone_number.hpp"
#include "modules/register/registration.hpp"
#include "modules/register/registration_forms.hpp"
#include "storage/storage.hpp"

namespace kontalk::modules::registration {

using xmpp::StanzaErrorCondition;

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

// Spec §0, §4.1: the Android client maps service-unavailable of type wait to "throttled".
xmpp::StanzaError throttledError() {
  auto error = stanzaError(StanzaErrorCondition::ServiceUnavailable, kTooManyAttempts);
  error.type = xmpp::StanzaErrorType::Wait;
  return error;
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
  const bool force = isTrue(form.value("force"));
  VerificationProvider& provider = chooseProvider(providers_, form);
  host_.runBlocking([this, reply, phone = *phone, force, &provider, address] {
    const std::string username = usernameForPhoneNumber(phone);
    const std::string& domain = host_.domain();
    auto existing = host_.storage().accounts().find(username, domain);
    if (!existing) {
      reply.failure(existing.error(), "account look-up");
      return;
    }
    if (existing->has_value() && !force) {
      spdlog::info("register: {} refused for {}: already registered", address, phone);
      auto error = stanzaError(StanzaErrorCondition::Conflict, kAlreadyRegistered);
      error.type = xmpp::StanzaErrorType::Modify;
      reply.error(error);
      return;
    }
    // Spec §4.1: when a provider cannot start, the fallback is tried once; a provider that is
    // busy with this number (spec §4.5) is a throttle, not a failure.
    VerificationProvider* used = &provider;
    auto started = used->start(domain, phone);
    if (!started && !started.error().is(StatusCode::Overloaded) &&
        providers_.fallback() != nullptr && providers_.fallback() != used) {
      spdlog::warn("register: provider {} failed for {}: {}; trying {}", used->name(), phone,
                   started.error().message, providers_.fallback()->name());
      used = providers_.fallback();
      started = used->start(domain, phone);
    }
    if (!started && started.error().is(StatusCode::Overloaded)) {
      spdlog::info("register: {} refused for {}: provider {} is busy: {}", address, phone,
                   used->name(), started.error().message);
      reply.error(throttledError());
      return;
    }
    if (!started) {
      spdlog::warn("register: provider {} failed for {}: {}", used->name(), phone,
                   started.error().message);
      reply.error(stanzaError(StanzaErrorCondition::NotAcceptable, kUnableToVerify));
      return;
    }
    storage::VerificationRequest request;
    request.username = username;
    request.domain = domain;
    request.phone = phone;
    request.provider = std::string(used->name());
    request.handle = std::move(started->handle);
    request.createdAt = base::unixNow();
    request.expiresAt = request.createdAt + config_.codeTtl.count();
    if (auto stored = host_.storage().registration().putVerification(request); !stored) {
      reply.failure(stored.error(), "storing the verification");
      return;
    }
    spdlog::info("register: verification of {} ({}) started with {}", phone, username,
                 used->name());
    const bool canFallback = providers_.fallback() != nullptr && providers_.fallback() != used;
    const std::string sender = started->sender.value_or(std::string(used->senderId()));
    reply.result(verificationStartedQuery(used->instructions(phone), sender, used->challengeType(),
                                          canFallback));
  });
}

}  // namespace kontalk::modules::registration
