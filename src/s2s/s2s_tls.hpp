#pragma once
// TLS for server-to-server links (spec §7.2): both ends use the server's own certificate ([tls]);
// the initiator presents it as its client certificate. A peer's certificate is checked against
// [s2s] ca_file (or the system's trust store) and, per RFC 6125, against the domain it claims;
// a certificate that fails is no reason to refuse TLS, only to withhold SASL EXTERNAL (the link
// may still authenticate with dialback, XEP-0220).
// Threading: the contexts are built at start-up on the main thread and only read afterwards, by
// the streams on every shard (OpenSSL allows that); peerCertificateValidFor() on any thread.

#include <filesystem>
#include <string_view>

#include <openssl/ssl.h>

#include "net/tls_context.hpp"

namespace kontalk::s2s {

struct S2sTls {
  net::TlsContext server;  // for inbound links: asks the peer for a certificate
  net::TlsContext client;  // for outbound links: presents ours
};

// Throws std::runtime_error naming the file when a certificate, key or CA file does not load
// (start-up error).
S2sTls makeS2sTls(const std::filesystem::path& certificate, const std::filesystem::path& privateKey,
                  const std::filesystem::path& caFile);

// RFC 6125 §6 with XEP-0178 §3: `certificate` chained to the trust store during the handshake
// (`verifyResult` is SSL_get_verify_result) and names `domain` as a DNS subjectAltName or, when
// it has none, as its CN (X509_check_host). An xmppAddr alone does not count (spec §7.10: test
// certificates and ejabberd use DNS names).
bool peerCertificateValidFor(X509* certificate, long verifyResult, std::string_view domain);

}  // namespace kontalk::s2s
