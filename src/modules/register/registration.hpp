#pragma once
// Kontalk registration (spec §4): the handlers of jabber:iq:register before authentication
// (verification request, code confirmation, private key retrieval) and after it (key rollover,
// private key upload).
// Threading: the handle* methods and purge() run on shards and return at once, after the checks
// that cost nothing (form, sizes, throttles); the rest runs in stages, each on the pool for its
// kind of work (host.runBlocking: storage and PGP on WorkKind::Storage, providers on
// WorkKind::External, so that a gateway waiting for its timeout holds no storage thread) and
// answers through an IqReply.

#include <memory>
#include <string>
#include <string_view>

#include "api/module.hpp"
#include "api/network_probe.hpp"
#include "modules/register/iq_reply.hpp"
#include "modules/register/providers.hpp"
#include "modules/register/register_settings.hpp"
#include "modules/register/throttle.hpp"
#include "pgp/public_key.hpp"
#include "storage/registration_store.hpp"
#include "xmpp/data_form.hpp"

namespace kontalk::modules::registration {

class Registration {
 public:
  // `network` asks the other servers of the network (spec §7.7); it outlives the registration.
  Registration(api::ModuleHost& host, RegisterSettings config, api::NetworkProbe& network);

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

  struct PhoneVerification;
  struct CodeConfirmation;

  // Spec §4.1 (phone_step.cpp), on a shard. `address` is the client's IP address. Stages:
  // checkAccount and storeVerification on a Storage worker, startWithProvider on an External one.
  void startVerification(const IqReply& reply, const xmpp::DataForm& form,
                         const std::string& address);
  void checkAccount(const std::shared_ptr<PhoneVerification>& verification);
  // Spec §4.1: conflict, the number is registered (`where`: the domain, for the log).
  void refuseRegistered(const PhoneVerification& verification, const std::string& where);
  void startWithProviderLater(const std::shared_ptr<PhoneVerification>& verification);
  void startWithProvider(const std::shared_ptr<PhoneVerification>& verification);
  void storeVerification(const std::shared_ptr<PhoneVerification>& verification,
                         const VerificationStarted& started);

  // Spec §4.2 (code_step.cpp), on a shard. `certificateDer` is the TLS client certificate (may be
  // empty), `address` the client's IP address. Stages: findVerification on a Storage worker, the
  // provider's check on an External one, settleCode (the key is parsed only once the code was
  // accepted) and what it calls on a Storage worker.
  void confirmCode(const IqReply& reply, const xmpp::DataForm& form,
                   const std::string& certificateDer, const std::string& address);
  void findVerification(const std::shared_ptr<CodeConfirmation>& confirmation);
  void settleCode(const std::shared_ptr<CodeConfirmation>& confirmation,
                  const CheckOutcome& checked);
  // The account with its certified key, replacing an old one in one transaction.
  void registerAccount(const CodeConfirmation& confirmation, const pgp::PublicKey& key);
  void refuseCode(const CodeConfirmation& confirmation, std::string_view reason);
  // Counts a failed attempt against the verification and drops it at kMaxFailedAttempts;
  // returns what to add to the log line.
  std::string countFailedAttempt(const storage::VerificationRequest& pending);
  // Spec §4.3.
  void rollOverKey(const IqReply& reply, const xmpp::DataForm& form, const xmpp::Jid& user);
  // Spec §4.4.
  void uploadPrivateKey(const IqReply& reply, const xmpp::DataForm& form, const xmpp::Jid& user);
  void retrievePrivateKey(const IqReply& reply, const xml::Element& account);
  // A handler for a get of either stage: private key retrieval or the instructions form.
  void answerGet(const IqReply& reply, const xml::Element& query);

  // Certifies `key` for `user`, stores it as current and answers with it (spec §4.3; storage).
  void certifyAndAnswer(const IqReply& reply, const pgp::PublicKey& key, const xmpp::Jid& user);

  api::ModuleHost& host_;
  api::NetworkProbe& network_;
  RegisterSettings config_;
  ProviderSet providers_;
  Throttle throttle_;
  CodeThrottle codeThrottle_;
};

}  // namespace kontalk::modules::registration
