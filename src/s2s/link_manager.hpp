#pragma once
// The server's s2s side (RFC 6120, spec §7.2): one outbound link per remote domain, created on
// the first stanza for it and reused; inbound links accepted by the [s2s] listeners; dialback
// verification (XEP-0220) between the two. The router hands it every stanza for another domain
// (router::RemoteRoute).
//
// Threading: send(), verifyDialback(), forget() and stop() from any thread, join() from the main
// thread; the domain → link
// map is shared under a mutex, and each link runs on the shard its domain hashes to, where the
// work for it is posted. accept() runs on the accepted socket's shard.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/network_directory.hpp"
#include "router/remote_route.hpp"
#include "router/router.hpp"
#include "s2s/nonexistent_domains.hpp"
#include "s2s/peer_trust_table.hpp"
#include "s2s/s2s_settings.hpp"
#include "s2s/s2s_tls.hpp"
#include "stream/c2s_settings.hpp"
#include "stream/stream_registry.hpp"

namespace kontalk::s2s {

class OutboundLink;

class LinkManager final : public router::RemoteRoute {
 public:
  // Called with the verdict on a dialback key, on the outbound link's shard.
  using VerifyCallback = std::function<void(bool valid)>;

  // `registries` are the shards' stream registries (one per shard, outliving this). `network`
  // (nullptr without the network module) names the network domains, with which TLS is
  // mandatory (spec §7.2); `trust` records how they authenticated, `nonexistent` which domains
  // DNS says do not exist.
  LinkManager(const S2sSettings& settings, const stream::LimitsSettings& limits, S2sTls tls,
              router::Router& router, std::vector<stream::StreamRegistry*> registries,
              const api::NetworkDirectory* network, PeerTrustTable& trust,
              NonexistentDomains& nonexistent);
  ~LinkManager() override;

  // router::RemoteRoute: queues `stanza` on the link to `to`'s domain, creating it if needed.
  // While the domain backs off after a failed attempt, the stanza is handled as undeliverable
  // at once (s2s/undeliverable.hpp) instead of opening another connection.
  void send(xml::Element stanza, const xmpp::Jid& from, const xmpp::Jid& to,
            api::JournalId journalId) override;
  // An attempt to reach `domain` failed: no new attempt for 1, 2, 4 … 60 s (spec §7.9), the
  // delay doubling with each failure in a row. `unreachable`: refused or unresolvable.
  void recordFailure(const std::string& domain, bool unreachable);
  // A link to `domain` authenticated: the next failure starts the back-off anew.
  void recordSuccess(const std::string& domain);
  // A DNS look-up of `domain` found it (or its s2s service) or found that it does not exist.
  void recordLookup(const std::string& domain, bool exists) { nonexistent_.record(domain, exists); }
  // A link (either direction) authenticated `domain`; `certified`: with a certificate valid for
  // it. Kept for the network's members only (spec §7.2 require_certificate), which bounds it.
  void recordAuthentication(const std::string& domain, bool certified);
  // `domain` answered an outbound link's key question (spec §7.2 verify_keys): its key's
  // fingerprint, empty when it gave none that parses.
  void recordKey(const std::string& domain, std::string fingerprint);
  // Whether a link to `domain` asks for its key: [s2s] verify_keys, and a network domain.
  bool verifiesKeyOf(std::string_view domain) const;
  // Opens a link to `domain` unless one exists or it backs off: PeerTrustTable's opener.
  void prepare(const std::string& domain);
  // Spec §7.2: STARTTLS is mandatory with network domains, whatever [s2s] require_tls says.
  bool requiresTls(std::string_view domain) const;
  // A connection accepted by an [s2s] listener, on its shard.
  void accept(stream::StreamRegistry& registry, asio::ip::tcp::socket socket);
  // XEP-0220 §2.3: asks `originating`'s authoritative server (over our outbound link to it)
  // whether `key` is the one it generated for the stream `streamId` to us.
  void verifyDialback(const std::string& originating, const std::string& streamId,
                      const std::string& key, VerifyCallback done);
  // An outbound link ended: the next stanza for its domain opens a new one.
  void forget(const std::string& domain, const OutboundLink* link);
  // Shutdown: no new outbound links (the registries close the open ones).
  void stop();
  // After the shards stopped: waits for the DNS threads (a look-up in progress finishes first).
  void join();
  // Where blocking DNS look-ups (SRV) run, off the shards.
  asio::thread_pool::executor_type dnsExecutor() { return dns_.get_executor(); }

  const S2sSettings& settings() const { return settings_; }
  const stream::LimitsSettings& limits() const { return limits_; }
  SSL_CTX* serverTls() const { return tls_.server.get(); }
  SSL_CTX* clientTls() const { return tls_.client.get(); }
  router::Router& router() { return router_; }
  const std::string& domain() const { return router_.domain().domain(); }
  // XEP-0185: the per-process secret the dialback keys derive from.
  const std::string& secret() const { return secret_; }
  std::atomic<std::size_t>& inboundConnections() { return inboundConnections_; }

 private:
  struct Backoff {
    std::chrono::steady_clock::time_point until;
    std::chrono::seconds delay{0};
    bool unreachable = false;
  };
  // The link to `domain` (created and started when there is none); nullptr after stop() or
  // while the domain backs off (then `backingOff` names how it failed).
  std::shared_ptr<OutboundLink> linkTo(const std::string& domain,
                                       std::optional<Backoff>* backingOff = nullptr);

  const S2sSettings& settings_;
  const stream::LimitsSettings& limits_;
  S2sTls tls_;
  router::Router& router_;
  std::vector<stream::StreamRegistry*> registries_;
  const api::NetworkDirectory* network_;
  PeerTrustTable& trust_;
  NonexistentDomains& nonexistent_;
  std::string secret_;
  std::atomic<std::size_t> inboundConnections_{0};
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<OutboundLink>> outbound_;
  std::unordered_map<std::string, Backoff> backoff_;
  bool stopped_ = false;
  asio::thread_pool dns_{2};
};

}  // namespace kontalk::s2s
