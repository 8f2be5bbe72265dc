#include "api/cluster_node.hpp"
#include "api/delivery_backlog.hpp"
#include "api/module_descriptor.hpp"
#include "api/network_directory.hpp"
#include "api/remote_domains.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>

#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/offline/journal.hpp"
#include "modules/offline/journal_metrics.hpp"
#include "modules/offline/offline_delivery.hpp"
#include "modules/offline/offline_settings.hpp"
#include "modules/offline/remote_delivery.hpp"
#include "modules/offline/storage_policy.hpp"
#include "storage/storage.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/presence.hpp"

namespace kontalk::modules {
namespace {

using offline::Journal;
using offline::OfflineDelivery;
using offline::OfflineSettings;
using offline::RemoteDelivery;

// Before the roster (100) and CSI: an account's first presence is noticed whatever they do.
constexpr int kInitialPresenceOrder = 20;
constexpr auto kPurgeInterval = std::chrono::hours(1);
// How often the remote queue is looked at (RemoteDelivery::tick): the resolution of its
// back-off and of its expiry.
constexpr auto kRemoteQueueInterval = std::chrono::seconds(1);
// How stale kontalk_offline_messages may be (a COUNT over the queue tables on a worker).
constexpr auto kStoredCountInterval = std::chrono::seconds(5);

class OfflineModule final : public api::Module, public api::DeliveryBacklog {
 public:
  explicit OfflineModule(const OfflineSettings& settings) : settings_(settings) {}

  void start(api::ModuleHost& host) override {
    host_ = &host;
    network_ = host.service<api::NetworkDirectory>();  // null when the network module is off
    remoteDomains_ = host.service<api::RemoteDomains>();
    const auto* node = host.service<api::ClusterNode>();  // null outside a cluster
    journal_ = std::make_unique<Journal>(
        host.storage().offline(),
        Journal::Settings{settings_.expiry, settings_.durableDelivery,
                          settings_.journalBacklogBytes, host.domain(),
                          [this](std::string_view domain) { return remoteQueueTtl(domain); },
                          node != nullptr ? node->id : std::uint16_t{0}},
        highestStoredId());
    host.provide<api::DeliveryJournal>(*journal_);
    host.provide<api::DeliveryBacklog>(*this);
    metrics_ = std::make_unique<offline::JournalMetrics>(*journal_, base::metrics::registry());
    host.onInterval(kStoredCountInterval, [this] { countStored(); });
    delivery_ = std::make_unique<OfflineDelivery>(
        host, *journal_, OfflineDelivery::Settings{settings_.deliveryWindowBytes});
    host.advertiseDiscoFeature(api::IqScope::Server, ns::kOfflineFeature);
    host.onStanza(api::StanzaHook::Undeliverable, 100,
                  [this](api::StanzaEvent& event) { return handleUndeliverable(event); });
    host.onStanza(api::StanzaHook::FromClient, kInitialPresenceOrder,
                  [this](api::StanzaEvent& event) { return handleClientStanza(event); });
    host.onInterval(kPurgeInterval, [this] { purgeExpired(); });
    remote_ = std::make_unique<RemoteDelivery>(
        host, *journal_, RemoteDelivery::Settings{settings_.deliveryWindowBytes},
        [this](const xmpp::Jid& account) { deliverIfAvailable(account); },
        [this](std::string_view domain) {
          // Spec §7.9: a network domain is only ever down, whatever DNS says now.
          return remoteDomains_ != nullptr && remoteDomains_->isNonexistent(domain) &&
                 (network_ == nullptr || !network_->isNetworkDomain(domain));
        });
    host.onInterval(kRemoteQueueInterval, [this] { remote_->tick(); });
  }

  void stop() override {
    metrics_.reset();
    journal_->stop();
  }

  api::DeliveryBacklogState backlog() const override {
    const auto counters = journal_->counters();
    return {counters.backlogMessages, counters.backlogBytes, counters.accepting};
  }

 private:
  // Spec §7.9: the queue's time depends on whether the domain is a network member (the
  // directory is thread-safe and never blocks: the journal asks on the recording thread).
  std::chrono::seconds remoteQueueTtl(std::string_view domain) const {
    return network_ != nullptr && network_->isNetworkDomain(domain)
               ? settings_.remoteQueueTtl
               : settings_.remoteQueueTtlOutsideNetwork;
  }

  // Storage is touched on a worker only; start() waits for it.
  std::int64_t highestStoredId() {
    std::promise<Result<std::int64_t>> read;
    auto highest = read.get_future();
    host_->runBlocking([this, &read] { read.set_value(host_->storage().offline().highestId()); });
    auto id = highest.get();
    if (!id)
      throw std::runtime_error("offline: cannot read the message queue: " + id.error().message);
    return *id;
  }

  api::HandlerResult handleUndeliverable(api::StanzaEvent& event) {
    const xmpp::Jid account = event.to.bare();
    if (event.journalId != 0) {
      // Stored already, on its way to a session that is gone: it waits for the next one.
      journal_->release({&event.journalId, 1});
      deliverIfAvailable(account);
      return api::HandlerResult::Handled;
    }
    // Nothing to keep: drop silently, as if delivered (XEP-0160, XEP-0085 business rules).
    if (!offline::shouldStore(event.stanza)) return api::HandlerResult::Handled;
    journal_->store(account, event.from.bareString(), event.stanza,
                    {settings_.maxMessagesPerUser, settings_.maxMessagesPerSender()},
                    [this, account, original = event.stanza](storage::AppendOutcome outcome) {
                      stored(account, outcome, original);
                    });
    return api::HandlerResult::Handled;
  }

  // On the journal's writer thread, once the message is durable or refused.
  void stored(const xmpp::Jid& account, storage::AppendOutcome outcome,
              const xml::Element& original) {
    switch (outcome) {
      case storage::AppendOutcome::Stored:
        // The account may have become available while the message was on its way to storage;
        // its initial delivery run could have missed it.
        deliverIfAvailable(account);
        return;
      case storage::AppendOutcome::NoSuchAccount:
        // RFC 6121 §8.5.1: no such account.
        bounce(original, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::ServiceUnavailable));
        return;
      case storage::AppendOutcome::QuotaExceeded:
        // RFC 6120 §8.3.3.18: resource-constraint, type wait: retry once the user fetched some.
        bounce(original, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::ResourceConstraint,
                                               "The recipient's offline message queue is full."));
        return;
      case storage::AppendOutcome::SenderQuotaExceeded:
        // The same, for this sender's share of the queue (issue 11 item 16).
        bounce(original,
               xmpp::StanzaError::of(xmpp::StanzaErrorCondition::ResourceConstraint,
                                     "You have too many messages waiting for this recipient."));
        return;
    }
  }

  void deliverIfAvailable(const xmpp::Jid& account) {
    const api::Session* best = nullptr;
    const auto sessions = host_->sessionsOf(account);
    for (const auto& session : sessions) {
      if (!session->isAvailable() || session->priority() < 0) continue;
      if (best == nullptr || session->priority() > best->priority()) best = session.get();
    }
    if (best != nullptr) delivery_->request(best->jid());
  }

  void bounce(const xml::Element& original, const xmpp::StanzaError& error) {
    if (original.attribute("type") == "error") return;  // RFC 6120 §8.2
    host_->send(xmpp::makeErrorReply(original, error));
  }

  api::HandlerResult handleClientStanza(api::StanzaEvent& event) {
    // XEP-0160 §3 / RFC 6121 §4.2: the initial available presence (no 'to', no type) of a
    // session with non-negative priority triggers delivery. The router marks the session
    // available only after these hooks, so isAvailable() still tells "initial".
    const auto& stanza = event.stanza;
    if (stanza.name() == "presence" && !stanza.hasAttribute("to") && !stanza.hasAttribute("type") &&
        event.session != nullptr && !event.session->isAvailable() &&
        xmpp::presencePriority(stanza) >= 0) {
      delivery_->request(event.session->jid());
    }
    return api::HandlerResult::Continue;
  }

  // One count at a time: with storage stuck, counts do not pile up on the workers.
  void countStored() {
    if (counting_.exchange(true)) return;
    host_->runBlocking([this] {
      if (auto counts = host_->storage().offline().countStored()) {
        metrics_->setStored(*counts);
      } else {
        spdlog::debug("offline: counting stored messages failed: {}", counts.error().describe());
      }
      counting_.store(false);
    });
  }

  void purgeExpired() {
    host_->runBlocking([this] {
      const auto now = base::unixSeconds(std::chrono::system_clock::now());
      auto purged = host_->storage().offline().purgeExpired(now);
      if (!purged) {
        spdlog::error("offline: purging expired messages failed: {}", purged.error().message);
      } else if (*purged > 0) {
        spdlog::info("offline: purged {} expired message(s)", *purged);
      }
    });
  }

  api::ModuleHost* host_ = nullptr;
  const OfflineSettings settings_;
  const api::NetworkDirectory* network_ = nullptr;
  const api::RemoteDomains* remoteDomains_ = nullptr;  // null in tests without the server's
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<offline::JournalMetrics> metrics_;
  std::atomic<bool> counting_{false};  // a storage count for metrics_ is on a worker
  std::unique_ptr<OfflineDelivery> delivery_;
  std::unique_ptr<RemoteDelivery> remote_;
};

const api::ModuleRegistration kRegistration(api::startsAfter(
    api::describeModule<OfflineModule>("offline",
                                       "Offline messages (XEP-0160) and the delivery journal", {},
                                       offline::offlineOptions()),
    {"network"}));

}  // namespace

}  // namespace kontalk::modules
