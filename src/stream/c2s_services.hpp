#pragma once
// What every c2s stream and session shares; owned by the server, outlives all of them.
// Threading: shared by every shard and worker: each member is read-only after start-up or
// thread-safe itself (`connections` is atomic).

#include <atomic>
#include <cstddef>

#include <openssl/ssl.h>

#include "router/extension_points.hpp"
#include "router/router.hpp"
#include "router/session_directory.hpp"
#include "stream/c2s_settings.hpp"
#include "stream/resumption_registry.hpp"
#include "stream/sasl_mechanism.hpp"

namespace kontalk::stream {

struct C2sServices {
  const C2sSettings& c2s;
  const LimitsSettings& limits;
  SSL_CTX* tls;
  router::Router& router;
  router::SessionDirectory& sessions;
  const router::ExtensionPoints& extensions;
  SaslServices sasl;
  ResumptionRegistry resumptions{};
  std::atomic<std::size_t> connections{0};
};

}  // namespace kontalk::stream
