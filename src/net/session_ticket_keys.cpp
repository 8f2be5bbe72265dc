#include "net/session_ticket_keys.hpp"

#include <cstring>
#include <stdexcept>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "net/openssl_error.hpp"

namespace kontalk::net {
namespace {

TicketKey randomKey() {
  TicketKey key;
  if (RAND_bytes(key.name.data(), key.name.size()) != 1 ||
      RAND_bytes(key.cipherKey.data(), key.cipherKey.size()) != 1 ||
      RAND_bytes(key.macKey.data(), key.macKey.size()) != 1) {
    throw std::runtime_error("cannot generate a TLS session ticket key: " + takeOpenSslError());
  }
  return key;
}

// The SSL_CTX ex_data slot that leads the callback back to its SessionTicketKeys.
int exDataIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

bool setMacKey(EVP_MAC_CTX* mac, TicketKey& key) {
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, key.macKey.data(), key.macKey.size()),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
  return EVP_MAC_CTX_set_params(mac, params) == 1;
}

}  // namespace

TicketKeyRing::TicketKeyRing(std::chrono::seconds lifetime, std::function<TicketKey()> generate)
    : lifetime_(lifetime), generate_(std::move(generate)) {}

void TicketKeyRing::rotate(Clock::time_point now) {
  if (current_ && now - current_->since >= lifetime_) {
    // It stopped encrypting a lifetime after it started, whenever a handshake notices.
    previous_ = Held{current_->key, current_->since + lifetime_};
    current_.reset();
  }
  // The previous key's last tickets were issued when it stopped encrypting; they have expired
  // one lifetime later.
  if (previous_ && now - previous_->since >= lifetime_) previous_.reset();
}

TicketKey TicketKeyRing::forEncryption(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  rotate(now);
  if (!current_) current_ = Held{generate_(), now};
  return current_->key;
}

std::optional<TicketKeyRing::Decryption> TicketKeyRing::forDecryption(
    const std::array<unsigned char, 16>& name, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  rotate(now);
  if (current_ && current_->key.name == name) return Decryption{current_->key, false};
  if (previous_ && previous_->key.name == name) return Decryption{previous_->key, true};
  return std::nullopt;
}

SessionTicketKeys::SessionTicketKeys(std::chrono::seconds lifetime)
    : lifetime_(lifetime), ring_(lifetime, randomKey) {}

void SessionTicketKeys::install(SSL_CTX* context) {
  SSL_CTX_set_ex_data(context, exDataIndex(), this);
  SSL_CTX_set_num_tickets(context, 1);
  SSL_CTX_set_timeout(context, static_cast<long>(lifetime_.count()));
  SSL_CTX_set_tlsext_ticket_key_evp_cb(context, &SessionTicketKeys::ticketKeyCallback);
}

// OpenSSL's contract (SSL_CTX_set_tlsext_ticket_key_evp_cb(3)): when encrypting, fill in the
// name and IV and initialize both contexts, return 1; when decrypting, return 0 for an unknown
// key (full handshake), 1 to accept, 2 to accept and issue a new ticket; -1 on error.
int SessionTicketKeys::ticketKeyCallback(SSL* ssl, unsigned char* name, unsigned char* iv,
                                         EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, int encrypt) {
  auto* self =
      static_cast<SessionTicketKeys*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), exDataIndex()));
  if (self == nullptr) return -1;
  const auto now = TicketKeyRing::Clock::now();
  const EVP_CIPHER* aes = EVP_aes_256_cbc();
  if (encrypt == 1) {
    TicketKey key = self->ring_.forEncryption(now);
    if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(aes)) != 1) return -1;
    std::memcpy(name, key.name.data(), key.name.size());
    if (EVP_EncryptInit_ex(cipher, aes, nullptr, key.cipherKey.data(), iv) != 1) return -1;
    return setMacKey(mac, key) ? 1 : -1;
  }
  std::array<unsigned char, 16> wanted{};
  std::memcpy(wanted.data(), name, wanted.size());
  auto found = self->ring_.forDecryption(wanted, now);
  if (!found) return 0;
  if (!setMacKey(mac, found->key)) return -1;
  if (EVP_DecryptInit_ex(cipher, aes, nullptr, found->key.cipherKey.data(), iv) != 1) return -1;
  return found->renew ? 2 : 1;
}

void disableSessionTickets(SSL_CTX* context) {
  SSL_CTX_set_options(context, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(context, 0);
}

}  // namespace kontalk::net
