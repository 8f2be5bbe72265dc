#pragma once
// Kontalk certificate login (SASL EXTERNAL, spec §3) as the server's SASL layer asks for it: the
// identity policy (PGP checks, account creation, key writes) lives in a module that provides this
// (ModuleHost::provide); without one, EXTERNAL is never offered.
//
// Threading: authenticate() blocks (PGP, storage): the server calls it on a worker.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.hpp"

namespace kontalk::api {

class CertificateLogin {
 public:
  virtual ~CertificateLogin() = default;
  // The username (JID localpart) the TLS client certificate `certificateDer` proves at unix time
  // `now`. A refused certificate fails PermissionDenied (SASL not-authorized; the message names
  // the failed check for the log); a transient failure (storage) fails with a transient code
  // (SASL temporary-auth-failure: the client retries instead of giving up).
  virtual Result<std::string> authenticate(std::string_view certificateDer, std::int64_t now) = 0;
};

}  // namespace kontalk::api
