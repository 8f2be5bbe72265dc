#pragma once
// TLS session tickets with keys the server rotates (RFC 8446 §4.6.1, RFC 5077): a phone that
// reconnects within a ticket's lifetime resumes its TLS session instead of a full handshake with
// its certificate and key exchange, which is most of what a login costs.
//
// OpenSSL's own ticket key lives as long as the SSL_CTX, i.e. as long as the process: months on a
// server, and whoever reads that one key from memory can decrypt every session resumed with it
// since start. Here a key encrypts tickets for one lifetime, then only decrypts the tickets it
// issued until they have expired too (one more lifetime), then is forgotten. A ticket decrypted
// with the previous key is replaced by one under the current key. Keys are random, held in
// memory only: a restart costs every client one full handshake.
//
// Threading: TicketKeyRing and SessionTicketKeys may be used from any thread (one mutex; the
// callback runs on the shards during handshakes). install() at start-up, before the context is
// used; the SessionTicketKeys must outlive every context it is installed in.

#include <array>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

#include <openssl/ssl.h>

namespace kontalk::net {

struct TicketKey {
  std::array<unsigned char, 16> name{};       // sent in the ticket to find the key again
  std::array<unsigned char, 32> cipherKey{};  // AES-256-CBC
  std::array<unsigned char, 32> macKey{};     // HMAC-SHA256
};

// The current and the previous key, rotated by the clock it is given.
class TicketKeyRing {
 public:
  using Clock = std::chrono::steady_clock;

  // `lifetime` > 0: how long a key encrypts, and how long a ticket is valid.
  TicketKeyRing(std::chrono::seconds lifetime, std::function<TicketKey()> generate);

  // The key new tickets are encrypted with at `now`; a new one once the current has served a
  // lifetime.
  TicketKey forEncryption(Clock::time_point now);

  struct Decryption {
    TicketKey key;
    bool renew = false;  // the previous key: the client should get a ticket under the current
  };
  // The key named `name` while it may still decrypt at `now`; nullopt for an unknown or retired
  // key (the client then gets a full handshake).
  std::optional<Decryption> forDecryption(const std::array<unsigned char, 16>& name,
                                          Clock::time_point now);

 private:
  struct Held {
    TicketKey key;
    Clock::time_point since;  // when it became current
  };
  // Caller holds mutex_.
  void rotate(Clock::time_point now);

  const Clock::duration lifetime_;
  const std::function<TicketKey()> generate_;
  std::mutex mutex_;
  std::optional<Held> current_;
  std::optional<Held> previous_;  // `since`: when it stopped encrypting
};

// The ring installed as an SSL_CTX's ticket key callback, with random keys from OpenSSL's RNG.
class SessionTicketKeys {
 public:
  explicit SessionTicketKeys(std::chrono::seconds lifetime);

  // Makes `context` issue one ticket per full handshake (TLS 1.3 sends two by default; a phone
  // uses one), valid for the lifetime, encrypted with this ring's keys.
  void install(SSL_CTX* context);

 private:
  static int ticketKeyCallback(SSL* ssl, unsigned char* name, unsigned char* iv,
                               EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, int encrypt);

  std::chrono::seconds lifetime_;
  TicketKeyRing ring_;
};

// Turns session tickets off on `context` ([tls] session_ticket_lifetime = 0): every connection
// makes a full handshake.
void disableSessionTickets(SSL_CTX* context);

}  // namespace kontalk::net
