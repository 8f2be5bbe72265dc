#pragma once
// The assembled server: storage, TLS, shards, router, modules and listeners, built from one
// Config, run until a termination signal, then shut down gracefully (close every stream with
// <system-shutdown/> and </stream:stream>, flush storage).
// Threading: construct and run() on the main thread; run() starts the shard and worker threads
// and joins them before it returns.

#include <memory>

#include <openssl/types.h>

#include "app/config/config.hpp"

namespace kontalk::app {

class Server {
 public:
  // Prepares everything that can fail at start-up (data directory, TLS material, storage and its
  // migrations, listeners); throws std::runtime_error with a message for the operator.
  explicit Server(app::Config config);
  ~Server();

  // Serves until SIGINT or SIGTERM; returns the process exit code. SIGHUP reloads
  // (app/server/configuration_reload.hpp).
  int run();

 private:
  void startAdministration();  // the admin socket, reload and the commands behind it
  void startStreams();         // c2s and s2s listeners, after the modules started
  void startCluster();         // [cluster]: the node registry in Redis, before the modules
  void startS2s();
  void startHttp();
  void startMetrics();
  // Session tickets with rotated keys on a client-facing context, or none
  // (net/session_ticket_keys).
  void installSessionTickets(SSL_CTX* context);
  void stopAfterFailedStart();
  void stopWorkersThenModules();

  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace kontalk::app
