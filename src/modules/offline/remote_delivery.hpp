#pragma once
// The remote queue's delivery (spec §7.9): messages for accounts on other servers are recorded
// by the journal like local deliveries (durable before the sender's <a/>), and stay stored until
// that server acknowledged them (the s2s link settles them) or they expired. What a link hands
// back (it failed, or the server restarted with messages still queued) is sent again from here:
// per domain, in windows (as OfflineDelivery), with back-off after a failure (1, 2, 4 … 60 s).
// At-least-once: a message the peer took but had not acknowledged when the link broke is sent
// again, and clients de-duplicate by id (the spec's choice, as the original's).
//
// Expiry: a message still queued after [modules.offline] remote_queue_ttl (network members) or
// remote_queue_ttl_outside_network goes back to its sender as an error (same id, from/to
// swapped, children kept, remote-server-timeout type wait), stored offline if the sender has
// no available resource. A domain that DNS says does not exist (api::RemoteDomains) and that is
// not a network domain is not waited for: what is queued for it goes back at once, with
// remote-server-not-found, type cancel.
//
// Threading: tick() runs on a shard (ModuleHost::onInterval); reads and sends happen in
// host.runBlocking() work; window callbacks arrive on whichever thread settled the window.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "api/module.hpp"
#include "modules/offline/journal.hpp"

namespace kontalk::modules::offline {

class RemoteDelivery {
 public:
  static constexpr std::size_t kWindowMessages = 100;
  static constexpr std::chrono::seconds kMaxBackoff{60};

  struct Settings {
    std::size_t windowBytes = std::size_t{1} << 20;
  };

  // Called (on the journal's writer thread) once a bounce is stored offline for `account`: it
  // may have become available meanwhile, after its delivery run looked for stored messages.
  using StoredOffline = std::function<void(const xmpp::Jid& account)>;
  // Whether nothing should wait for `domain` (it does not exist). Called on workers.
  using Hopeless = std::function<bool(std::string_view domain)>;

  RemoteDelivery(api::ModuleHost& host, Journal& journal, Settings settings,
                 StoredOffline storedOffline, Hopeless hopeless)
      : host_(host),
        journal_(journal),
        settings_(settings),
        storedOffline_(std::move(storedOffline)),
        hopeless_(std::move(hopeless)) {}

  // Once a second: bounces what expired, and starts a run for every domain with queued messages
  // nobody is sending whose back-off is over (the first tick finds what a restart left).
  void tick();

 private:
  struct Run {
    bool active = false;
    std::int64_t cursor = 0;  // the last id read by the active run
    std::chrono::seconds backoff{0};
    std::chrono::steady_clock::time_point retryAt{};
  };

  // On a worker: everything tick() does that touches storage.
  void scan();
  void bounceExpired();
  // Everything queued for `domain`, which does not exist, goes back now; then the run ends.
  void bounceAllOf(const std::string& domain);
  // Returns each message to its sender with `error`, and settles their records.
  void bounceStored(const std::vector<storage::OfflineMessage>& messages,
                    const xmpp::StanzaError& error, std::string_view why);
  void returnToSender(xml::Element bounce);
  // Starts a run for `domain` unless one is active or backing off; with mutex_ held.
  bool claimRun(const std::string& domain, std::chrono::steady_clock::time_point now);
  void sendWindow(const std::string& domain);
  // The next window of `domain`'s queue after the id `cursor`, claimed; `lastRead` becomes the
  // id of the last message read (unchanged when nothing is left). A failure is logged.
  Result<std::vector<storage::OfflineMessage>> claimWindow(const std::string& domain,
                                                           std::int64_t cursor,
                                                           std::int64_t& lastRead);
  void handleWindowSettled(const std::string& domain, bool allAcknowledged);
  // The run is over: `failed` (a window came back) sets the next attempt's time.
  void end(const std::string& domain, bool failed);

  api::ModuleHost& host_;
  Journal& journal_;
  const Settings settings_;
  const StoredOffline storedOffline_;
  const Hopeless hopeless_;
  std::atomic<bool> scanning_{false};
  std::mutex mutex_;
  std::unordered_map<std::string, Run> runs_;  // by domain
};

}  // namespace kontalk::modules::offline
