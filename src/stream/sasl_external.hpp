#pragma once
// SASL EXTERNAL for Kontalk accounts (spec §3): the TLS client certificate is a bridge
// certificate (spec §2) whose OpenPGP key the server has certified. Never generic certificate
// login (spec §0): trust comes only from the server's PGP certification.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <tl/expected.hpp>

#include "pgp/server_key.hpp"
#include "storage/account_store.hpp"
#include "storage/key_store.hpp"
#include "stream/sasl_mechanism.hpp"

namespace kontalk::stream {

// Verifies bridge-certificate logins and remembers verified certificates, so that a client that
// reconnects costs a hash look-up and one key-store read instead of a PGP verification.
// Thread-safe; authenticate() blocks (PGP, storage): call it from the worker pool.
class BridgeLogins {
 public:
  // All references must outlive this object.
  BridgeLogins(const pgp::ServerKey& serverKey, storage::AccountStore& accounts,
               storage::KeyStore& keys, std::string domain);

  // Spec §3 steps 1–6 for the DER certificate at time `now` (unix seconds): the authenticated
  // username (JID localpart), or the reason for refusing, naming the failed check. On success
  // the account exists and the key is its current key.
  tl::expected<std::string, std::string> authenticate(std::string_view certificateDer,
                                                      std::int64_t now);

  static constexpr std::size_t kMaxCachedLogins = 10000;

 private:
  struct VerifiedLogin {
    std::string username;
    std::string keyDigest;  // SHA-256 of the stored key: any change to it invalidates the entry
    std::optional<std::int64_t> keyExpires;
  };

  tl::expected<std::string, std::string> verify(std::string_view certificateDer, std::int64_t now,
                                                std::string& keyDigest,
                                                std::optional<std::int64_t>& keyExpires);
  std::optional<std::string> cachedLogin(const std::string& certificateDigest, std::int64_t now);

  const pgp::ServerKey& serverKey_;
  storage::AccountStore& accounts_;
  storage::KeyStore& keys_;
  std::string domain_;
  std::mutex mutex_;
  std::unordered_map<std::string, VerifiedLogin> verified_;  // by certificate SHA-256
};

// The EXTERNAL exchange for one stream. `certificateDer` is the client's TLS certificate.
std::unique_ptr<SaslMechanism> makeExternalMechanism(const SaslServices& services,
                                                     std::string certificateDer);

}  // namespace kontalk::stream
