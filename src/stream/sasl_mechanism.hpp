#pragma once
// Server side of one SASL exchange (RFC 6120 §6), independent of XML: the c2s stream turns
// <auth/>, <response/> into calls here and the outcomes into <challenge/>, <success/>, <failure/>.
//
// Threading: a mechanism belongs to one stream and is used from its shard; storage look-ups it
// needs run on the worker pool and resume on the stream's shard.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/certificate_login.hpp"
#include "core/asio.hpp"
#include "core/worker_pool.hpp"
#include "storage/account_store.hpp"
#include "stream/password_throttle.hpp"

namespace kontalk::stream {

struct SaslStep {
  enum class Kind { Challenge, Success, Failure };
  Kind kind = Kind::Failure;
  std::string data;              // challenge, or additional data with success (raw bytes)
  std::string username;          // the authenticated localpart (Success)
  std::string failureCondition;  // RFC 6120 §6.5 condition name (Failure)
  std::string logReason;         // why it failed, for the server log only
  std::string failureText;       // what the client is told (<text/>), if anything
  // Refused unchecked while its source or account backs off (PasswordThrottle): a temporary
  // failure that still counts against the connection's [c2s] max_auth_failures.
  bool throttled = false;

  static SaslStep challenge(std::string data) {
    return {Kind::Challenge, std::move(data), {}, {}, {}, {}};
  }
  static SaslStep success(std::string username, std::string data = {}) {
    return {Kind::Success, std::move(data), std::move(username), {}, {}, {}};
  }
  static SaslStep failure(std::string condition, std::string reason) {
    return {Kind::Failure, {}, {}, std::move(condition), std::move(reason), {}};
  }
  // A failure of the server, not of the client's credentials: <temporary-auth-failure/> when it
  // is transient (RFC 6120 §6.5.13: the client retries later; the Kontalk client gives up after
  // repeated not-authorized), else <not-authorized/>.
  static SaslStep failure(const Status& status, std::string_view what) {
    return failure(status.isTransient() ? "temporary-auth-failure" : "not-authorized",
                   std::string(what) + ": " + status.describe());
  }
  bool isTemporaryFailure() const {
    return kind == Kind::Failure && failureCondition == "temporary-auth-failure";
  }
};

class SaslMechanism {
 public:
  virtual ~SaslMechanism() = default;
  // The first message: the initial response, or nullopt when the client sent none.
  virtual Awaitable<SaslStep> start(std::optional<std::string> initialResponse) = 0;
  // A <response/> to the last challenge.
  virtual Awaitable<SaslStep> respond(std::string response) = 0;
};

// A mechanism of one client message (PLAIN, EXTERNAL): an empty challenge when the client sent
// no initial response (RFC 6120 §6.4.2), then exactly one message to check.
class SingleMessageMechanism : public SaslMechanism {
 public:
  Awaitable<SaslStep> start(std::optional<std::string> initialResponse) final;
  Awaitable<SaslStep> respond(std::string response) final;

 protected:
  virtual Awaitable<SaslStep> check(std::string message) = 0;

 private:
  bool answered_ = false;
};

// What mechanisms need from the server.
struct SaslServices {
  storage::AccountStore& accounts;
  core::WorkerPool& workers;
  std::string domain;
  // Kontalk certificate login (SASL EXTERNAL, spec §3), a module's service; EXTERNAL is never
  // offered without it.
  api::CertificateLogin* certificateLogin = nullptr;
  // Back-off for password guessing across connections (PLAIN, SCRAM); none when null.
  PasswordThrottle* passwordThrottle = nullptr;
};

// What a mechanism knows of its client.
struct SaslClient {
  std::string_view certificateDer;  // the TLS client certificate, if any (EXTERNAL needs it)
  std::string source;               // PasswordThrottle::sourceKey() of its address
};

// What decides the mechanisms offered on one stream.
struct SaslOfferContext {
  bool tls = false;
  // PLAIN without TLS, for loopback testing only ([c2s] allow_plain_without_tls).
  bool allowPlainWithoutTls = false;
  // The client presented a TLS certificate and the server checks bridge certificates (spec §3).
  bool clientCertificate = false;
  // [c2s] certificate_login = "exclusive": a client with a certificate is offered EXTERNAL alone.
  // Smack (the Kontalk clients' library) picks the offered mechanism it ranks highest, and it
  // ranks SCRAM-SHA-1 above EXTERNAL; the client has no password, so offering SCRAM beside
  // EXTERNAL makes it fail and retry forever (the original server offered EXTERNAL alone too).
  bool certificateExclusive = true;
};

// Mechanisms offered on a stream, strongest first. PLAIN only over TLS unless
// `allowPlainWithoutTls`; EXTERNAL only over TLS with a client certificate.
std::vector<std::string> offeredSaslMechanisms(const SaslOfferContext& context);

// A fresh exchange for `name`, or nullptr when the mechanism is unknown. The caller checks that
// the mechanism was offered on its stream.
std::unique_ptr<SaslMechanism> makeSaslMechanism(std::string_view name,
                                                 const SaslServices& services,
                                                 const SaslClient& client);

}  // namespace kontalk::stream
