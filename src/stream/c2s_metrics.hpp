#pragma once
// What the client streams count (issue 13, /metrics): open connections and bound sessions by
// transport (tcp, websocket: stream::TransportKind), and SASL logins by mechanism and result.
// Threading: any thread.

#include <array>
#include <string_view>

#include "base/metrics.hpp"
#include "stream/stream_framing.hpp"

namespace kontalk::stream {

enum class LoginResult {
  Success,
  Failure,           // the client's: wrong credentials, a malformed exchange
  TemporaryFailure,  // the server's (storage) or the password throttle's
};

class C2sMetrics {
 public:
  explicit C2sMetrics(base::metrics::Registry& registry);

  base::metrics::Gauge& connections(TransportKind kind) {
    return *connections_[static_cast<std::size_t>(kind)];
  }
  base::metrics::Gauge& sessions(TransportKind kind) {
    return *sessions_[static_cast<std::size_t>(kind)];
  }
  // `mechanism`: one the server offers (makeSaslMechanism), so the label set stays small.
  void countLogin(std::string_view mechanism, LoginResult result);

 private:
  base::metrics::Registry& registry_;
  std::array<base::metrics::Gauge*, 2> connections_{};
  std::array<base::metrics::Gauge*, 2> sessions_{};
};

// The process's, on base::metrics::registry().
C2sMetrics& c2sMetrics();

}  // namespace kontalk::stream
