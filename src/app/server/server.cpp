#include "app/server/server.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>
#include <thread>

#include "api/account_administration.hpp"
#include "api/cluster_node.hpp"
#include "api/network_directory.hpp"
#include "api/network_list_refresh.hpp"
#include "api/peer_trust.hpp"
#include "api/remote_domains.hpp"
#include "app/admin/admin_socket.hpp"
#include "app/server/account_directory.hpp"
#include "app/server/configuration_reload.hpp"
#include "app/server/live_administration.hpp"
#include "app/server/module_context.hpp"
#include "app/server/module_set.hpp"
#include "app/server/storage_probe.hpp"
#include "base/http_call.hpp"
#include "cluster/node_registry.hpp"
#include "core/process_metrics.hpp"
#include "core/service_notifier.hpp"
#include "core/shard_pool.hpp"
#include "core/spawn.hpp"
#include "core/worker_pool.hpp"
#include "http/http_server.hpp"
#include "http/metrics_endpoint.hpp"
#include "net/listener.hpp"
#include "net/server_certificate.hpp"
#include "net/session_ticket_keys.hpp"
#include "net/tls_context.hpp"
#include "pgp/server_key.hpp"
#include "router/router.hpp"
#include "s2s/link_manager.hpp"
#include "s2s/nonexistent_domains.hpp"
#include "s2s/peer_trust_table.hpp"
#include "s2s/s2s_metrics.hpp"
#include "storage/backends/open_storage.hpp"
#include "stream/c2s_metrics.hpp"
#include "stream/c2s_session_handle.hpp"
#include "stream/c2s_stream.hpp"

namespace kontalk::app {
namespace {

namespace fs = std::filesystem;

// How long shutdown waits for streams to flush their closing bytes.
constexpr auto kShutdownGrace = std::chrono::seconds(5);
// Blocking work runs on three pools so that one kind cannot starve another (ARCHITECTURE.md §5):
// logins (account look-ups, password hashing, certificate checks, what a bind waits for), the
// modules' storage and CPU work, and calls to external services (SMS gateways, push), which may
// each wait for their timeout.
constexpr unsigned kLoginThreads = 2;
constexpr unsigned kStorageThreads = 4;
constexpr unsigned kExternalThreads = 8;
// HTTP bodies and files (http/http_server.hpp): a pool of their own, so that fsyncs of uploads
// never hold up the modules' storage work.
constexpr unsigned kHttpThreads = 4;
// /healthz: how long the storage probe may take before the server counts as not ready (a
// commit's fsync on a healthy disk takes milliseconds).
constexpr auto kHealthTimeout = std::chrono::milliseconds(2000);

unsigned shardCount(const Config& config) {
  if (config.server.threads > 0) return config.server.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

xmpp::Jid domainJid(const std::string& domain) {
  auto jid = xmpp::Jid::parse(domain);
  if (!jid || !jid->isDomain()) throw std::runtime_error("[server] domain is not a valid domain");
  return *jid;
}

// The data directory holds keys and the database: only the server's user may enter it.
std::unique_ptr<storage::Storage> openMigratedStorage(const Config& config) {
  fs::create_directories(config.server.dataDir);
  fs::permissions(config.server.dataDir, fs::perms::owner_all, fs::perm_options::replace);
  auto opened = storage::openStorage(config.storage);
  if (!opened) throw std::runtime_error("cannot open storage: " + opened.error().message);
  auto applied = (*opened)->migrate();
  if (!applied) throw std::runtime_error("storage migration failed: " + applied.error().message);
  if (*applied > 0) spdlog::info("storage: applied {} migration(s)", *applied);
  return std::move(*opened);
}

// The server's OpenPGP key (spec §1). Like the TLS certificate, a missing key is generated, so
// that a development server starts without setup; production creates it with
// `kontalkctl key generate` beforehand.
pgp::ServerKey loadServerKey(const Config& config) {
  const auto& file = config.server.pgpKey;
  if (!fs::exists(file)) {
    if (auto generated = pgp::ServerKey::generate(file, config.server.domain); !generated) {
      throw std::runtime_error("cannot generate the server key: " + generated.error().message);
    }
    spdlog::warn("generated the server's OpenPGP key in {}", file.string());
  }
  auto key = pgp::ServerKey::load(file);
  if (!key) throw std::runtime_error("cannot load the server key: " + key.error().message);
  spdlog::info("server key {}", key->fingerprint());
  return std::move(*key);
}

// The certificate every TLS context presents (net/server_certificate.hpp): a missing pair is
// generated for development; a pair that does not name the domain is refused in production.
std::shared_ptr<const net::CertificatePair> loadServerCertificate(const Config& config) {
  const auto& tls = config.tls;
  if (net::ensureSelfSignedCertificate(tls.certificate, tls.privateKey, config.server.domain)) {
    spdlog::warn("generated a self-signed TLS certificate for {} in {} (development only)",
                 config.server.domain, tls.certificate.string());
  }
  auto pair = net::loadCertificatePair(tls.certificate, tls.privateKey);
  if (!pair) throw std::runtime_error("cannot load the TLS certificate: " + pair.error().message);
  checkCertificateDomain(**pair, config.server);
  spdlog::info("TLS certificate: {}", net::describeCertificate(**pair));
  return std::move(*pair);
}

// Spec §8.7: what upload URLs start with unless [modules.upload] base_url says otherwise.
std::string httpBaseUrl(const Config& config) {
  if (config.http.listen.empty()) return "";
  return std::string(config.http.tls ? "https://" : "http://") + config.server.domain + ":" +
         std::to_string(config.http.listen.front().port);
}

}  // namespace

struct Server::Parts {
  explicit Parts(Config configuration)
      : config(std::move(configuration)),
        domain(domainJid(config.server.domain)),
        storage(openMigratedStorage(config)),
        serverKey(loadServerKey(config)),
        accounts(*storage),
        loginWorkers(kLoginThreads),
        workers(kStorageThreads),
        externalWorkers(kExternalThreads),
        httpWorkers(kHttpThreads),
        passwordThrottle(config.limits.passwordThrottle()),
        sessions(config.c2s.resourceConflict, config.c2s.maxSessionsPerUser),
        router(domain, sessions, extensions),
        peerTrust(config.s2s.requireCertificate, config.s2s.verifyKeys),
        moduleServices{config.server.domain,
                       config.server.dataDir,
                       httpBaseUrl(config),
                       extensions,
                       router,
                       *storage,
                       accounts,
                       workers,
                       externalWorkers,
                       shards,
                       serverKey},
        modules(config.modules, config.sourceFile, moduleServices),
        shards(shardCount(config)) {}

  // Declaration order is destruction order reversed, and it matters: listeners go while their
  // io_contexts still exist; the shards' io_contexts go next, destroying anything still
  // suspended on them while everything it refers to (registries, streams' services, modules,
  // router) is alive.
  Config config;
  xmpp::Jid domain;
  std::unique_ptr<storage::Storage> storage;
  pgp::ServerKey serverKey;
  StorageAccountDirectory accounts;
  core::WorkerPool loginWorkers;
  core::WorkerPool workers;
  core::WorkerPool externalWorkers;
  core::WorkerPool httpWorkers;
  stream::PasswordThrottle passwordThrottle;
  router::ExtensionPoints extensions;
  router::SessionDirectory sessions;
  router::Router router;
  s2s::PeerTrustTable peerTrust;  // a service for the modules, whether or not s2s is on
  s2s::NonexistentDomains nonexistentDomains;  // likewise
  api::ClusterNode clusterNode;                // a service for the modules with [cluster] on
  std::unique_ptr<cluster::NodeRegistry> clusterRegistry;  // none outside a cluster
  ModuleServices moduleServices;                           // refers to `shards`, only once they run
  ModuleSet modules;
  net::ServerCertificate certificate{loadServerCertificate(config)};  // outlives the contexts
  // Outlives the contexts too; none when [tls] session_ticket_lifetime is 0.
  std::unique_ptr<net::SessionTicketKeys> ticketKeys =
      config.tls.sessionTicketLifetime.count() > 0
          ? std::make_unique<net::SessionTicketKeys>(config.tls.sessionTicketLifetime)
          : nullptr;
  net::TlsContext tls;
  std::unique_ptr<stream::C2sServices> c2s;
  std::vector<std::unique_ptr<stream::StreamRegistry>> registries;
  std::unique_ptr<s2s::LinkManager> links;  // s2s: they live on the shards and in the registries
  net::TlsContext httpTls;                  // like `tls`, without asking for client certificates
  std::unique_ptr<http::HttpServer> http;   // its connections live on the shards
  core::ProcessMetrics processMetrics{base::metrics::registry()};
  std::unique_ptr<StorageProbe> storageProbe;
  std::unique_ptr<http::MetricsEndpoint> metrics;  // likewise
  core::ShardPool shards;
  std::vector<std::unique_ptr<net::Listener>> listeners;
  // The main thread's: signals and the admin socket (app/admin/admin_socket.hpp).
  asio::io_context mainThread;
  // Made before anything listens, so that a signal arriving while the server starts waits for
  // run() (a SIGHUP's default action would end the process).
  std::unique_ptr<asio::signal_set> termination;
  std::unique_ptr<asio::signal_set> hangup;
  std::unique_ptr<ConfigurationReload> reload;
  std::unique_ptr<LiveAdministration> administration;
  std::unique_ptr<admin::AdminSocket> adminSocket;
};

Server::Server(Config config) : parts_(std::make_unique<Parts>(std::move(config))) {
  auto& p = *parts_;
  startAdministration();
  const auto& tlsConfig = p.config.tls;
  p.tls =
      net::makeServerTlsContext(tlsConfig.certificate, tlsConfig.privateKey, tlsConfig.minVersion);
  p.certificate.install(p.tls.get());
  installSessionTickets(p.tls.get());

  // Before the modules start: the network module takes it for membership (spec §7.2).
  p.extensions.services.emplace(
      std::type_index(typeid(api::PeerTrust)),
      router::ExtensionPoints::Owned<void*>{"s2s", static_cast<api::PeerTrust*>(&p.peerTrust)});
  // Before the modules start: the offline module's remote queue bounces at once what waits for
  // a domain that does not exist (spec §7.9).
  p.extensions.services.emplace(
      std::type_index(typeid(api::RemoteDomains)),
      router::ExtensionPoints::Owned<void*>{
          "s2s", static_cast<api::RemoteDomains*>(&p.nonexistentDomains)});
  // Before the modules start: the adhoc module's admin commands (XEP-0133) edit accounts the
  // way kontalkctl does.
  p.extensions.services.emplace(
      std::type_index(typeid(api::AccountAdministration)),
      router::ExtensionPoints::Owned<void*>{
          "admin", static_cast<api::AccountAdministration*>(p.administration.get())});
  startCluster();
  try {
    p.modules.startAll();
    startStreams();
  } catch (...) {
    stopAfterFailedStart();
    throw;
  }
}

// Before the modules start: the offline module's journal ids carry the node id. The registry
// claims the node id in Redis first, so a second process with the same id fails here.
void Server::startCluster() {
  auto& p = *parts_;
  const auto& settings = p.config.cluster;
  if (!settings.enabled()) return;
  p.clusterRegistry = std::make_unique<cluster::NodeRegistry>(settings);
  p.clusterNode.id = settings.nodeId;
  p.extensions.services.emplace(std::type_index(typeid(api::ClusterNode)),
                                router::ExtensionPoints::Owned<void*>{"cluster", &p.clusterNode});
  p.router.setSessionRegistry(p.clusterRegistry.get());
}

// Before anything listens: a second server with the same data directory must fail here, while
// the first one keeps serving (the admin socket answers: app/admin/admin_socket.hpp).
void Server::startAdministration() {
  auto& p = *parts_;
  p.termination = std::make_unique<asio::signal_set>(p.mainThread, SIGINT, SIGTERM);
  p.hangup = std::make_unique<asio::signal_set>(p.mainThread, SIGHUP);
  p.reload = std::make_unique<ConfigurationReload>(p.config, p.certificate, [&p] {
    if (auto* network = static_cast<api::NetworkListRefresh*>(
            p.extensions.findService(typeid(api::NetworkListRefresh)))) {
      network->refresh();
    }
  });
  p.administration = std::make_unique<LiveAdministration>(
      LiveAdministration::Parts{p.router, p.sessions, p.shards, *p.storage, p.extensions,
                                [reload = p.reload.get()] { return reload->reload(); }});
  if (p.config.admin.socket.empty()) return;
  p.adminSocket = std::make_unique<admin::AdminSocket>(
      p.mainThread, p.config.admin.socket,
      [administration = p.administration.get()](const std::vector<std::string>& arguments) {
        return administration->handle(arguments);
      });
}

void Server::startStreams() {
  auto& p = *parts_;
  // Their series exist (at 0) from the start, not from the first connection: a dashboard
  // shows 0, not "no data".
  stream::c2sMetrics();
  s2s::s2sMetrics();
  p.c2s.reset(new stream::C2sServices{
      p.config.c2s, p.config.limits, p.tls.get(), p.router, p.sessions, p.extensions,
      stream::SaslServices{p.storage->accounts(), p.loginWorkers, p.domain.domain(),
                           static_cast<api::CertificateLogin*>(
                               p.extensions.findService(typeid(api::CertificateLogin))),
                           &p.passwordThrottle}});
  for (std::size_t i = 0; i < p.shards.size(); ++i) {
    p.registries.push_back(std::make_unique<stream::StreamRegistry>(p.shards.shard(i)));
  }
  auto addListeners = [&](const std::vector<net::ListenAddress>& addresses, bool directTls) {
    for (const auto& address : addresses) {
      p.listeners.push_back(std::make_unique<net::Listener>(
          p.shards.shard(p.listeners.size() % p.shards.size()), p.shards, address,
          [&p, directTls](asio::ip::tcp::socket socket) {
            // Runs on the socket's shard: find that shard's registry.
            for (auto& registry : p.registries) {
              if (registry->shard().get_executor().running_in_this_thread()) {
                stream::C2sStream::start(*p.c2s, *registry, std::move(socket), directTls);
                return;
              }
            }
          }));
    }
  };
  // s2s and HTTP first: once the client ports accept, the others do too (tests wait for the
  // former).
  startS2s();
  startHttp();
  startMetrics();
  addListeners(p.config.c2s.listen, false);
  addListeners(p.config.c2s.directTls, true);
}

// Spec §7.2: s2s is on when [s2s] has a listener or maps a domain; otherwise stanzas for other
// domains keep bouncing with <remote-server-not-found/> (the router's default).
void Server::startS2s() {
  auto& p = *parts_;
  const auto& settings = p.config.s2s;
  if (settings.listen.empty() && settings.hosts.empty()) return;
  std::vector<stream::StreamRegistry*> registries;
  for (auto& registry : p.registries) registries.push_back(registry.get());
  auto tls = s2s::makeS2sTls(p.config.tls.certificate, p.config.tls.privateKey, settings.caFile);
  p.certificate.install(tls.server.get());
  p.certificate.install(tls.client.get());
  p.links = std::make_unique<s2s::LinkManager>(
      settings, p.config.limits, std::move(tls), p.router, std::move(registries),
      static_cast<const api::NetworkDirectory*>(
          p.extensions.findService(typeid(api::NetworkDirectory))),
      p.peerTrust, p.nonexistentDomains);
  p.peerTrust.setOpener(
      [links = p.links.get()](const std::string& domain) { links->prepare(domain); });
  p.router.setRemoteRoute(p.links.get());
  for (const auto& address : settings.listen) {
    p.listeners.push_back(std::make_unique<net::Listener>(
        p.shards.shard(p.listeners.size() % p.shards.size()), p.shards, address,
        [&p](asio::ip::tcp::socket socket) {
          for (auto& registry : p.registries) {
            if (registry->shard().get_executor().running_in_this_thread()) {
              p.links->accept(*registry, std::move(socket));
              return;
            }
          }
        }));
  }
  spdlog::info("s2s: {} listener(s), {} mapped domain(s)", settings.listen.size(),
               settings.hosts.size());
}

// Spec §8.7: HTTPS with the server's certificate (TLS 1.2+), no client certificate; plain HTTP
// only when configured (behind a TLS-terminating proxy).
void Server::startHttp() {
  auto& p = *parts_;
  const auto& settings = p.config.http;
  if (settings.listen.empty()) return;
  SSL_CTX* tls = nullptr;
  if (settings.tls) {
    const auto& tlsConfig = p.config.tls;
    p.httpTls = net::makeServerTlsContext(tlsConfig.certificate, tlsConfig.privateKey,
                                          std::max(tlsConfig.minVersion, net::TlsVersion::Tls12));
    // A browser asked for a certificate may prompt its user: uploads need none.
    SSL_CTX_set_verify(p.httpTls.get(), SSL_VERIFY_NONE, nullptr);
    p.certificate.install(p.httpTls.get());
    installSessionTickets(p.httpTls.get());
    tls = p.httpTls.get();
  }
  // RFC 7395: an upgraded WebSocket becomes a c2s stream on the shard that accepted it.
  auto onWebSocket = [&p](std::unique_ptr<net::Transport> transport, std::string pending,
                          std::shared_ptr<void> slot) {
    for (auto& registry : p.registries) {
      if (registry->shard().get_executor().running_in_this_thread()) {
        stream::C2sStream::startWebSocket(*p.c2s, *registry, std::move(transport),
                                          std::move(pending), std::move(slot));
        return;
      }
    }
  };
  p.http = std::make_unique<http::HttpServer>(
      settings, tls, p.httpWorkers,
      [&extensions = p.extensions](std::string_view path) {
        return extensions.findHttpRoute(path);
      },
      std::move(onWebSocket));
  for (const auto& address : settings.listen) {
    p.listeners.push_back(std::make_unique<net::Listener>(
        p.shards.shard(p.listeners.size() % p.shards.size()), p.shards, address,
        [&p](asio::ip::tcp::socket socket) { p.http->accept(std::move(socket)); }));
  }
  spdlog::info("http: {} listener(s), {}", settings.listen.size(),
               settings.tls ? "TLS" : "plain HTTP (tls = false)");
}

// Issue 13: /metrics and /healthz on listeners of their own (loopback by default), whether or
// not the public HTTP server runs.
void Server::startMetrics() {
  auto& p = *parts_;
  const auto& settings = p.config.http;
  if (settings.metricsListen.empty()) return;
  p.storageProbe = std::make_unique<StorageProbe>(*p.storage, p.workers, kHealthTimeout);
  p.metrics = std::make_unique<http::MetricsEndpoint>(
      settings, p.httpWorkers, [probe = p.storageProbe.get()] { return probe->check(); });
  for (const auto& address : settings.metricsListen) {
    p.listeners.push_back(std::make_unique<net::Listener>(
        p.shards.shard(p.listeners.size() % p.shards.size()), p.shards, address,
        [&p](asio::ip::tcp::socket socket) { p.metrics->accept(std::move(socket)); }));
  }
  spdlog::info("metrics: {} listener(s) for /metrics and /healthz (plain HTTP)",
               settings.metricsListen.size());
}

Server::~Server() = default;

void Server::installSessionTickets(SSL_CTX* context) {
  // The server-side session cache would hold a session per client for TLS 1.2 session ids;
  // tickets carry the session in the client instead, so none is kept here either way.
  SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
  if (parts_->ticketKeys) {
    parts_->ticketKeys->install(context);
  } else {
    net::disableSessionTickets(context);
  }
}

int Server::run() {
  auto& p = *parts_;
  for (auto& registry : p.registries) registry->start();
  for (auto& listener : p.listeners) listener->start();
  for (const auto& task : p.modules.periodicTasks()) {
    core::runEvery(p.shards.shard(0), task.interval, task.task,
                   "module " + task.owner + ": periodic task");
  }
  p.shards.start();
  spdlog::info("kontalkd {} serving {} with {} shard(s)", KONTALK_VERSION, p.config.server.domain,
               p.shards.size());

  // The main thread serves the admin socket and the signals until a termination signal.
  asio::io_context& signals = p.mainThread;
  if (p.adminSocket) p.adminSocket->start();
  int received = 0;
  p.termination->async_wait([&](const boost::system::error_code&, int signal) {
    received = signal;
    signals.stop();
  });
  // SIGHUP does what `kontalkctl reload` does (systemd's ExecReload sends it); the outcome is
  // in the log. RELOADING=1 makes systemd wait for the READY=1 that follows (sd_notify(3)).
  std::function<void(const boost::system::error_code&, int)> onHangup =
      [&](const boost::system::error_code& error, int) {
        if (error) return;
        spdlog::info("received SIGHUP: reloading");
        core::notifyReloading();
        p.reload->reload();
        core::notifyReady();
        p.hangup->async_wait(onHangup);
      };
  p.hangup->async_wait(onHangup);
  // Storage opened and listeners bound in the constructor, and they accept now. Only once the
  // handlers above are in place: a service manager may send SIGTERM as soon as it reads READY=1.
  core::notifyReady();
  signals.run();
  p.adminSocket.reset();  // kontalkctl now says the server is not running
  spdlog::info("received signal {}: shutting down", received);
  core::notifyStopping();

  for (auto& listener : p.listeners) listener->stop();
  const auto listenersStopped = [&] {
    return std::all_of(p.listeners.begin(), p.listeners.end(),
                       [](const auto& listener) { return listener->isStopped(); });
  };
  const auto listenerDeadline = std::chrono::steady_clock::now() + kShutdownGrace;
  while (!listenersStopped() && std::chrono::steady_clock::now() < listenerDeadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (p.links) p.links->stop();      // no new outbound links; the registries close the open ones
  if (p.metrics) p.metrics->stop();  // a scrape in flight is cut short: nothing to keep
  if (p.http) {
    // An upload cut short here leaves no file (its sink undoes itself); its slot stays usable.
    p.http->stop();
    const auto httpDeadline = std::chrono::steady_clock::now() + kShutdownGrace;
    while (p.http->openConnections() > 0 && std::chrono::steady_clock::now() < httpDeadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  for (auto& registry : p.registries) {
    registry->closeAll(
        {xmpp::StreamErrorCondition::SystemShutdown, "The server is shutting down."});
  }
  const auto deadline = std::chrono::steady_clock::now() + kShutdownGrace;
  auto openStreams = [&] {
    std::size_t total = 0;
    for (auto& registry : p.registries) total += registry->size();
    return total;
  };
  while (openStreams() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (openStreams() > 0) {
    // A peer that does not read keeps a closing stream's last bytes from leaving. The streams
    // must be gone before the shards stop: a stream left suspended on a shard would be destroyed
    // with it, after what it refers to.
    spdlog::warn("{} stream(s) did not close in time; dropping their connections", openStreams());
    for (auto& registry : p.registries) registry->abortAll();
    const auto abortDeadline = std::chrono::steady_clock::now() + kShutdownGrace;
    while (openStreams() > 0 && std::chrono::steady_clock::now() < abortDeadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  // Sessions still waiting for a resumption end now, handing their unacknowledged stanzas to
  // offline storage (ARCHITECTURE.md §6).
  std::atomic<std::size_t> pendingEnds{0};
  for (auto& session : p.c2s->resumptions.all()) {
    ++pendingEnds;
    session->endOnItsShard([&pendingEnds] { --pendingEnds; });
  }
  const auto endDeadline = std::chrono::steady_clock::now() + kShutdownGrace;
  while (pendingEnds > 0 && std::chrono::steady_clock::now() < endDeadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  p.shards.stop();
  p.shards.join();
  if (p.links) p.links->join();  // a DNS look-up's completion must find its shard still there
  if (p.clusterRegistry) p.clusterRegistry->stop();  // out of the directory: no session is left
  stopWorkersThenModules();
  spdlog::info("shutdown complete");
  return 0;
}

// The shards never ran, but modules did start, and their blocking work (the network
// module's first reload of its server list) may be on a worker right now: it must end
// before the modules it refers to are stopped and destroyed.
void Server::stopAfterFailedStart() {
  auto& p = *parts_;
  if (p.links) {
    p.links->stop();
    p.links->join();
  }
  if (p.clusterRegistry) p.clusterRegistry->stop();
  stopWorkersThenModules();
}

void Server::stopWorkersThenModules() {
  auto& p = *parts_;
  // Workers finish what is queued first: their jobs read the modules' registrations (services,
  // key-change handlers), which stopping a module removes, and what they route is then recorded
  // in the delivery journal before the modules flush it. No worker job waits on a module. An
  // HTTP call to a hanging service (push, verification) must not hold the exit for its timeout.
  base::abandonHttpCalls();
  p.loginWorkers.join();
  p.externalWorkers.join();
  p.httpWorkers.join();
  p.workers.join();
  p.modules.stopAll();
  p.storage->flush();
}

}  // namespace kontalk::app
