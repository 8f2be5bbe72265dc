#include <chrono>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "stream/sasl/plain.hpp"
#include "stream/sasl/scram.hpp"
#include "stream/sasl_mechanism.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::stream {
namespace {

using sasl::ScramHash;

// Loads the account of a (SASLprep'd) username on the worker pool: nullopt for unknown users and
// names that are not valid localparts, a failure when storage failed (logged by the caller).
Awaitable<Result<std::optional<storage::Account>>> findAccount(const SaslServices& services,
                                                               const std::string& username) {
  auto local = xmpp::nodeprep(username);
  if (!local) co_return std::nullopt;
  co_return co_await services.workers.run(
      [&services, &local] { return services.accounts.find(*local, services.domain); });
}

// One password attempt (PLAIN, SCRAM) as the cross-connection throttle sees it: refused unchecked
// while its source or account backs off, and its verdict counted.
class PasswordAttempt {
 public:
  PasswordAttempt(const SaslServices& services, std::string source)
      : throttle_(services.passwordThrottle), source_(std::move(source)) {}

  // The account a username counts under: its localpart, or none when it can be no account.
  void setUsername(std::string_view username) {
    auto local = xmpp::nodeprep(username);
    account_ = local ? std::move(*local) : std::string();
  }

  // Admits the attempt, counting it as a failure until judged; or returns its refusal, unchecked.
  std::optional<SaslStep> admit() {
    if (throttle_ == nullptr) return std::nullopt;
    const auto wait = throttle_->admit(source_, account_, PasswordThrottle::Clock::now());
    if (wait <= PasswordThrottle::Clock::duration::zero()) {
      admitted_ = true;
      return std::nullopt;
    }
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(wait).count();
    auto step =
        SaslStep::failure("temporary-auth-failure", "password back-off for " + source_ +
                                                        (account_.empty() ? "" : " / " + account_) +
                                                        ", " + std::to_string(seconds) + " s left");
    step.failureText = "Too many failed attempts; try again in " + std::to_string(seconds) +
                       (seconds == 1 ? " second." : " seconds.");
    step.throttled = true;
    return step;
  }

  // The admitted attempt's verdict on the password: success forgives; a failure (wrong password,
  // unknown user) stays counted.
  SaslStep judged(SaslStep step) {
    if (std::exchange(admitted_, false) && step.kind == SaslStep::Kind::Success) {
      throttle_->succeeded(source_, account_);
    }
    return step;
  }

  // The admitted attempt ended without a verdict on the password (storage failed, the authzid
  // named someone else): its count is given back.
  SaslStep notJudged(SaslStep step) {
    if (std::exchange(admitted_, false)) throttle_->undecided(source_, account_);
    return step;
  }

 private:
  PasswordThrottle* throttle_;
  std::string source_;
  std::string account_;
  bool admitted_ = false;
};

std::string scramFailureCondition(sasl::ScramServerExchange::Error error) {
  using Error = sasl::ScramServerExchange::Error;
  switch (error) {
    case Error::MalformedRequest:
      return "malformed-request";
    case Error::InvalidAuthzid:
      return "invalid-authzid";
    case Error::ChannelBindingUnsupported:
      return "encryption-required";
    case Error::NotAuthorized:
      return "not-authorized";
  }
  return "not-authorized";
}

class ScramMechanism final : public SaslMechanism {
 public:
  ScramMechanism(ScramHash hash, const SaslServices& services, const SaslClient& client)
      : hash_(hash),
        services_(services),
        exchange_(hash, services.domain),
        attempt_(services, client.source) {}

  Awaitable<SaslStep> start(std::optional<std::string> initialResponse) override {
    if (!initialResponse) co_return SaslStep::challenge({});  // RFC 6120 §6.4.2: ask for it
    co_return co_await handleClientFirst(std::move(*initialResponse));
  }

  Awaitable<SaslStep> respond(std::string response) override {
    if (!sawClientFirst_) co_return co_await handleClientFirst(std::move(response));
    if (finished_) co_return SaslStep::failure("malformed-request", "response after the last step");
    finished_ = true;
    auto result = exchange_.handleClientFinal(response);
    if (auto* error = std::get_if<sasl::ScramServerExchange::Error>(&result)) {
      co_return attempt_.judged(SaslStep::failure(scramFailureCondition(*error),
                                                  account_ ? "wrong password" : "unknown user"));
    }
    if (!account_) co_return attempt_.judged(SaslStep::failure("not-authorized", "unknown user"));
    co_return attempt_.judged(
        SaslStep::success(account_->username, std::get<std::string>(std::move(result))));
  }

 private:
  Awaitable<SaslStep> handleClientFirst(std::string message) {
    sawClientFirst_ = true;
    auto result = exchange_.handleClientFirst(message);
    if (auto* error = std::get_if<sasl::ScramServerExchange::Error>(&result)) {
      co_return SaslStep::failure(scramFailureCondition(*error), "bad client-first-message");
    }
    attempt_.setUsername(std::get<std::string>(result));
    if (auto refusal = attempt_.admit()) co_return std::move(*refusal);
    auto found = co_await findAccount(services_, std::get<std::string>(result));
    if (!found) co_return attempt_.notJudged(SaslStep::failure(found.error(), "account look-up"));
    account_ = std::move(*found);
    std::optional<sasl::ScramCredentials> credentials;
    if (account_) {
      credentials = hash_ == ScramHash::Sha1 ? account_->scramSha1 : account_->scramSha256;
      // An account without credentials for this hash cannot log in with it; the exchange still
      // runs to the proof so that the failure looks like any other.
      if (!credentials) account_.reset();
    }
    co_return SaslStep::challenge(exchange_.serverFirst(credentials));
  }

  ScramHash hash_;
  const SaslServices& services_;
  sasl::ScramServerExchange exchange_;
  PasswordAttempt attempt_;
  std::optional<storage::Account> account_;
  bool sawClientFirst_ = false;
  bool finished_ = false;
};

class PlainMechanism final : public SingleMessageMechanism {
 public:
  PlainMechanism(const SaslServices& services, const SaslClient& client)
      : services_(services), attempt_(services, client.source) {}

 private:
  Awaitable<SaslStep> check(std::string message) override {
    auto credentials = sasl::parsePlainMessage(message);
    if (!credentials) co_return SaslStep::failure("malformed-request", "bad PLAIN message");
    attempt_.setUsername(credentials->username);
    if (auto refusal = attempt_.admit()) co_return std::move(*refusal);
    co_return co_await verify(std::move(*credentials));
  }

  Awaitable<SaslStep> verify(sasl::PlainCredentials credentials) {
    auto found = co_await findAccount(services_, credentials.username);
    if (!found) co_return attempt_.notJudged(SaslStep::failure(found.error(), "account look-up"));
    const auto& account = *found;
    // RFC 6120 §6.3.8: an authzid, if given, must name the account being authenticated.
    if (account && !credentials.authzid.empty() &&
        credentials.authzid != account->username + "@" + services_.domain) {
      co_return attempt_.notJudged(
          SaslStep::failure("invalid-authzid", "authzid names another entity"));
    }
    // An unknown user, or one without a password, is checked against credentials no password
    // matches: PBKDF2 takes as long for them as for a real account, so the answer's timing does
    // not tell which accounts exist.
    std::optional<sasl::ScramCredentials> stored;
    if (account) stored = account->scramSha256 ? account->scramSha256 : account->scramSha1;
    const bool real = stored.has_value();
    if (!real) stored = sasl::fakeCredentials(sasl::ScramHash::Sha256, credentials.username);
    // PBKDF2 is deliberately slow: keep it off the shard.
    const bool valid = co_await services_.workers.run(
        [&stored, &credentials] { return sasl::verifyPassword(*stored, credentials.password); });
    if (real && valid) co_return attempt_.judged(SaslStep::success(account->username));
    const char* reason = !account ? "unknown user"
                         : real   ? "wrong password"
                                  : "account has no password";
    co_return attempt_.judged(SaslStep::failure("not-authorized", reason));
  }

  const SaslServices& services_;
  PasswordAttempt attempt_;
};

// SASL EXTERNAL with a Kontalk bridge certificate (spec §3); the policy is the providing
// module's (api::CertificateLogin).
class ExternalMechanism final : public SingleMessageMechanism {
 public:
  ExternalMechanism(const SaslServices& services, std::string certificateDer)
      : services_(services), certificateDer_(std::move(certificateDer)) {}

 private:
  Awaitable<SaslStep> check(std::string authzid) override {
    auto* logins = services_.certificateLogin;
    auto result = co_await services_.workers.run(
        [logins, this] { return logins->authenticate(certificateDer_, base::unixNow()); });
    if (!result) co_return SaslStep::failure(result.error(), "EXTERNAL");
    // Spec §3, RFC 6120 §6.3.8: an authzid may only name the JID the certificate proves.
    if (!authzid.empty() && authzid != *result + "@" + services_.domain) {
      co_return SaslStep::failure("not-authorized",
                                  "EXTERNAL: authzid " + authzid + " is not the certified JID");
    }
    co_return SaslStep::success(*result);
  }

  const SaslServices& services_;
  std::string certificateDer_;
};

}  // namespace

Awaitable<SaslStep> SingleMessageMechanism::start(std::optional<std::string> initialResponse) {
  if (!initialResponse) co_return SaslStep::challenge({});
  co_return co_await respond(std::move(*initialResponse));
}

Awaitable<SaslStep> SingleMessageMechanism::respond(std::string response) {
  if (answered_) co_return SaslStep::failure("malformed-request", "response after the last step");
  answered_ = true;
  co_return co_await check(std::move(response));
}

std::vector<std::string> offeredSaslMechanisms(const SaslOfferContext& context) {
  const bool external = context.tls && context.clientCertificate;
  if (external && context.certificateExclusive) return {"EXTERNAL"};
  std::vector<std::string> mechanisms;
  if (external) mechanisms.emplace_back("EXTERNAL");
  mechanisms.insert(mechanisms.end(), {"SCRAM-SHA-256", "SCRAM-SHA-1"});
  if (context.tls || context.allowPlainWithoutTls) mechanisms.emplace_back("PLAIN");
  return mechanisms;
}

std::unique_ptr<SaslMechanism> makeSaslMechanism(std::string_view name,
                                                 const SaslServices& services,
                                                 const SaslClient& client) {
  if (name == "SCRAM-SHA-256") {
    return std::make_unique<ScramMechanism>(ScramHash::Sha256, services, client);
  }
  if (name == "SCRAM-SHA-1")
    return std::make_unique<ScramMechanism>(ScramHash::Sha1, services, client);
  if (name == "PLAIN") return std::make_unique<PlainMechanism>(services, client);
  if (name == "EXTERNAL" && services.certificateLogin != nullptr &&
      !client.certificateDer.empty()) {
    return std::make_unique<ExternalMechanism>(services, std::string(client.certificateDer));
  }
  return nullptr;
}

}  // namespace kontalk::stream
