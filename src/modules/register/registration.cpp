#include "modules/register/registration.hpp"

#include <spdlog/spdlog.h>

#include "core/unix_time.hpp"
#include "modules/register/registration_forms.hpp"
#include "storage/storage.hpp"

namespace kontalk::modules::registration {

using xmpp::StanzaErrorCondition;

Registration::Registration(api::ModuleHost& host, RegisterConfig config)
    : host_(host),
      config_(std::move(config)),
      providers_(config_, host.dataDirectory()),
      throttle_(config_.throttleAddress, config_.throttlePhone, config_.throttlePrefix,
                config_.prefixDigits) {}

api::HandlerResult Registration::handlePreAuthSet(const api::PreAuthIqRequest& request) {
  // Copies: the request lives only as long as this call, the reply outlives it.
  const IqReply reply(request.stanza, host_.domain(), request.reply);
  const auto form = submittedForm(request.payload);
  if (form && form->value("phone")) {
    startVerification(reply, *form, addressWithoutPort(request.client.remoteAddress));
  } else if (form && (form->value("FORM_TYPE") == kCodeFormType || form->value("code"))) {
    confirmCode(reply, *form, request.client.certificateDer);
  } else {
    reply.error(stanzaError(StanzaErrorCondition::BadRequest, kPhoneOrCodeNeeded));
  }
  return api::HandlerResult::Handled;
}

api::HandlerResult Registration::handlePreAuthGet(const api::PreAuthIqRequest& request) {
  answerGet(IqReply(request.stanza, host_.domain(), request.reply), request.payload);
  return api::HandlerResult::Handled;
}

api::HandlerResult Registration::handleSet(const api::IqRequest& request) {
  const IqReply reply(request.stanza, request.to.toString(),
                      [this](xml::Element stanza) { host_.send(std::move(stanza)); });
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
  answerGet(IqReply(request.stanza, request.to.toString(),
                    [this](xml::Element stanza) { host_.send(std::move(stanza)); }),
            request.payload);
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
  host_.runBlocking([this] {
    auto& store = host_.storage().registration();
    const auto now = core::unixNow();
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
