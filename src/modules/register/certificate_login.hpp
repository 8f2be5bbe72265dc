#pragma once
// Kontalk certificate login (spec §3), the identity policy behind SASL EXTERNAL: the TLS client
// certificate is a bridge certificate (spec §2) whose OpenPGP key the server has certified.
// Never generic certificate login (spec §0): trust comes only from the server's certification.
// The register module provides it to the server as api::CertificateLogin.
//
// Remembers verified certificates, so that a client that reconnects costs a hash look-up and one
// key-store read instead of a PGP verification.
//
// Threading: authenticate() blocks (PGP, storage): the server calls it on a worker. Thread-safe.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/certificate_login.hpp"
#include "api/module_host.hpp"

namespace kontalk::modules::registration {

class CertificateLogins final : public api::CertificateLogin {
 public:
  explicit CertificateLogins(api::ModuleHost& host) : host_(host) {}

  // Spec §3 steps 1–6. On success the account exists and the key is its current key; a refused
  // certificate fails PermissionDenied naming the failed check, a storage failure keeps its own
  // (transient) code.
  Result<std::string> authenticate(std::string_view certificateDer, std::int64_t now) override;

  static constexpr std::size_t kMaxCachedLogins = 10000;

 private:
  struct VerifiedLogin {
    std::string username;
    std::string keyDigest;  // SHA-256 of the stored key: any change to it invalidates the entry
    std::optional<std::int64_t> keyExpires;
  };

  Result<VerifiedLogin> verify(std::string_view certificateDer, std::int64_t now);
  Result<std::optional<std::string>> cachedLogin(const std::string& certificateDigest,
                                                 std::int64_t now);

  api::ModuleHost& host_;
  std::mutex mutex_;
  std::unordered_map<std::string, VerifiedLogin> verified_;  // by certificate SHA-256
};

}  // namespace kontalk::modules::registration
