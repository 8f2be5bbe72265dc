#include "tls_session_store.hpp"

namespace kontalk::bench {

TlsSessionStore::TlsSessionStore(std::uint32_t firstAccount, std::uint32_t count)
    : firstAccount_(firstAccount), sessions_(count) {}

SSL_SESSION* TlsSessionStore::sessionFor(std::uint32_t account) const {
  const std::uint32_t index = account - firstAccount_;
  return index < sessions_.size() ? sessions_[index].get() : nullptr;
}

void TlsSessionStore::keep(std::uint32_t account, SSL_SESSION* session) {
  const std::uint32_t index = account - firstAccount_;
  if (index < sessions_.size()) {
    sessions_[index].reset(session);
  } else {
    SSL_SESSION_free(session);
  }
}

}  // namespace kontalk::bench
