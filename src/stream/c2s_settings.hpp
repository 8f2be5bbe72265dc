#pragma once
// [c2s] and [limits]: client connections, their timeouts and the bounds on what a client may make
// the server hold (options declared once, config/section.hpp).
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <chrono>
#include <cstddef>
#include <vector>

#include "config/section.hpp"
#include "net/listen_address.hpp"
#include "router/session_directory.hpp"
#include "stream/password_throttle.hpp"
#include "xml/limits.hpp"

namespace kontalk::stream {

// Which SASL mechanisms a client that presented a TLS certificate is offered (SaslOfferContext).
enum class CertificateLogin { Exclusive, Also };

struct C2sSettings {
  std::vector<net::ListenAddress> listen{{"127.0.0.1", 5222}};     // STARTTLS
  std::vector<net::ListenAddress> directTls{{"127.0.0.1", 5223}};  // XEP-0368 direct TLS
  bool requireTls = true;
  bool allowPlainWithoutTls = false;
  router::ResourceConflictPolicy resourceConflict = router::ResourceConflictPolicy::ReplaceOlder;
  std::chrono::seconds idleTimeout{600};
  std::chrono::seconds pingTimeout{60};
  std::chrono::seconds authTimeout{60};
  std::chrono::seconds keepaliveInterval{90};
  std::size_t maxSessionsPerUser = 10;
  std::size_t maxAuthFailures = 3;
  std::chrono::seconds resumptionTimeout{300};
  std::chrono::seconds ackTimeout{60};
  std::size_t maxUnacknowledged = 1000;
  CertificateLogin certificateLogin = CertificateLogin::Exclusive;
};

// The parser's bounds (xml::ParserLimits) and the rest of what one connection may cost.
struct LimitsSettings : xml::ParserLimits, PasswordThrottleSettings {
  // Token bucket on inbound stanzas per connection: sustained rate and burst.
  double stanzasPerSecond = 200;
  double stanzaBurst = 400;
  // Token buckets on inbound bytes per connection, whitespace included, before and after
  // authentication. The authenticated burst lets one maximal stanza (a media message with its
  // thumbnail) through at once.
  std::size_t unauthenticatedBytesPerSecond = 32 * 1024;
  std::size_t unauthenticatedByteBurst = 256 * 1024;
  std::size_t bytesPerSecond = 256 * 1024;
  std::size_t byteBurst = 1024 * 1024;
  std::size_t maxConnections = 100000;
  std::size_t maxOutboundQueueBytes = 4 * 1024 * 1024;  // a client not reading beyond this: close
  // Sent and not acknowledged (XEP-0198): kept for retransmission, bounded.
  std::size_t maxUnacknowledgedBytes = 16 * 1024 * 1024;

  const xml::ParserLimits& parser() const { return *this; }
  const PasswordThrottleSettings& passwordThrottle() const { return *this; }
};

const config::Section<C2sSettings>& c2sOptions();
const config::Section<LimitsSettings>& limitsOptions();

}  // namespace kontalk::stream
