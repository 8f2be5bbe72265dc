#pragma once
// Kontalk registration (spec §4): the handlers of jabber:iq:register before authentication
// (verification request, code confirmation, private key retrieval) and after it (key rollover,
// private key upload). Handlers run on shards and return at once; storage, providers and
// certification run in host.runBlocking and answer through an IqReply.

#include <string>

#include "api/module.hpp"
#include "modules/register/iq_reply.hpp"
#include "modules/register/providers.hpp"
#include "modules/register/register_settings.hpp"
#include "modules/register/throttle.hpp"
#include "pgp/public_key.hpp"
#include "xmpp/data_form.hpp"

namespace kontalk::modules::registration {

class Registration {
 public:
  Registration(api::ModuleHost& host, RegisterSettings config);

  api::HandlerResult handlePreAuthSet(const api::IqRequest& request);
  api::HandlerResult handlePreAuthGet(const api::IqRequest& request);
  api::HandlerResult handleSet(const api::IqRequest& request);
  api::HandlerResult handleGet(const api::IqRequest& request);
  // Drops expired verifications, transfers and throttle entries (called periodically).
  void purge();

 private:
  // Wrong codes one verification survives; then it is dropped and the user must start again,
  // which the throttle limits (a 6-digit code must not be guessable by trying).
  static constexpr int kMaxFailedAttempts = 5;

  // Spec §4.1. `address` is the client's IP address.
  void startVerification(const IqReply& reply, const xmpp::DataForm& form,
                         const std::string& address);
  // Spec §4.2. `certificateDer` is the TLS client certificate (may be empty).
  void confirmCode(const IqReply& reply, const xmpp::DataForm& form,
                   const std::string& certificateDer);
  // Spec §4.3.
  void rollOverKey(const IqReply& reply, const xmpp::DataForm& form, const xmpp::Jid& user);
  // Spec §4.4.
  void uploadPrivateKey(const IqReply& reply, const xmpp::DataForm& form, const xmpp::Jid& user);
  void retrievePrivateKey(const IqReply& reply, const xml::Element& account);
  // A handler for a get of either stage: private key retrieval or the instructions form.
  void answerGet(const IqReply& reply, const xml::Element& query);

  // Blocking parts, run on a worker.
  void verifyAndCreateAccount(const IqReply& reply, const std::string& code,
                              const pgp::PublicKey& key);
  // Certifies `key` for `user`, stores it as current and answers with it (spec §4.2, §4.3).
  void certifyAndAnswer(const IqReply& reply, const pgp::PublicKey& key, const xmpp::Jid& user);

  api::ModuleHost& host_;
  RegisterSettings config_;
  ProviderSet providers_;
  Throttle throttle_;
};

}  // namespace kontalk::modules::registration
