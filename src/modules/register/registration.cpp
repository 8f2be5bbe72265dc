#include "modules/register/registration.hpp"

#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/register/registration_forms.hpp"
#include "storage/storage.hpp"

namespace kontalk::modules::registration {

using xmpp::StanzaErrorCondition;

Registration::Registration(api::ModuleHost& host, RegisterSettings config,
                           api::NetworkProbe& network)
    : host_(host),
      network_(network),
      config_(std::move(config)),
      providers_(config_, host.dataDirectory()),
      throttle_(config_.throttleAddress, config_.throttlePhone, config_.throttlePrefix,
                config_.prefixDigits),
      codeThrottle_(config_.throttleCodeAddress, config_.throttleCodeUser) {}

api::HandlerResult Registration::handlePreAuthSet(const api::IqRequest& request) {
  // A copy: the request lives only as long as this call, the reply outlives it.
  const IqReply reply(host_, request);
  const auto form = submittedForm(request.payload);
  const std::string address = addressWithoutPort(request.client->remoteAddress);
  if (form && form->value("phone")) {
    startVerification(reply, *form, address);
  } else if (form && (form->value("FORM_TYPE") == kCodeFormType || form->value("code"))) {
    confirmCode(reply, *form, request.client->certificateDer, address);
  } else {
    reply.error(stanzaError(StanzaErrorCondition::BadRequest, kPhoneOrCodeNeeded));
  }
  return api::HandlerResult::Handled;
}

api::HandlerResult Registration::handlePreAuthGet(const api::IqRequest& request) {
  answerGet(IqReply(host_, request), request.payload);
  return api::HandlerResult::Handled;
}

api::HandlerResult Registration::handleSet(const api::IqRequest& request) {
  const IqReply reply(host_, request);
  const auto form = submittedForm(request.payload);
  if (form && form->value("FORM_TYPE") == kPrivateKeyFormType) {
    uploadPrivateKey(reply, *form, request.from.bare());
  } else if (form && form->value("publickey")) {
    rollOverKey(reply, *form, request.from.bare());
  } else {
    reply.error(stanzaError(StanzaErrorCondition::BadRequest, kPhoneOrCodeNeeded));
  }
  return api::HandlerResult::Handled;
}

api::HandlerResult Registration::handleGet(const api::IqRequest& request) {
  answerGet(IqReply(host_, request), request.payload);
  return api::HandlerResult::Handled;
}

void Registration::answerGet(const IqReply& reply, const xml::Element& query) {
  if (const auto* account = query.child("account", kAccountNamespace)) {
    retrievePrivateKey(reply, *account);
  } else {
    reply.result(instructionsQuery(config_.termsUrl));
  }
}

void Registration::purge() {
  throttle_.purge(ThrottleClock::now());
  codeThrottle_.purge(ThrottleClock::now());
  host_.runBlocking([this] {
    auto& store = host_.storage().registration();
    const auto now = base::unixNow();
    auto verifications = store.purgeExpiredVerifications(now);
    auto transfers = store.purgeExpiredPrivateKeys(now);
    if (!verifications || !transfers) {
      spdlog::warn("register: purge failed: {}",
                   !verifications ? verifications.error().message : transfers.error().message);
      return;
    }
    if (*verifications > 0 || *transfers > 0) {
      spdlog::debug("register: purged {} expired verifications and {} private key transfers",
                    *verifications, *transfers);
    }
  });
}

}  // namespace kontalk::modules::registration
