#pragma once
// The TLS session each account's last login ended with, offered by its next login
// (--tls-resume): what a phone that reconnects after a network change does.
// Threading: the generator's single event-loop thread.

#include <cstdint>
#include <memory>
#include <vector>

#include <openssl/ssl.h>

namespace kontalk::bench {

class TlsSessionStore {
 public:
  // Accounts firstAccount .. firstAccount + count - 1.
  TlsSessionStore(std::uint32_t firstAccount, std::uint32_t count);

  // The session to offer for `account`, null when it has none yet (not owned).
  SSL_SESSION* sessionFor(std::uint32_t account) const;
  // Keeps `session` (taking the reference) for the account's next login.
  void keep(std::uint32_t account, SSL_SESSION* session);

 private:
  struct Free {
    void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
  };
  std::uint32_t firstAccount_;
  std::vector<std::unique_ptr<SSL_SESSION, Free>> sessions_;
};

}  // namespace kontalk::bench
