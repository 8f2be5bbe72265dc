#include "s2s/link_manager.hpp"

#include <algorithm>
#include <functional>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/encoding.hpp"
#include "s2s/inbound_link.hpp"
#include "s2s/outbound_link.hpp"
#include "s2s/undeliverable.hpp"

namespace kontalk::s2s {

LinkManager::LinkManager(const S2sSettings& settings, const stream::LimitsSettings& limits,
                         S2sTls tls, router::Router& router,
                         std::vector<stream::StreamRegistry*> registries,
                         const api::NetworkDirectory* network, PeerTrustTable& trust,
                         NonexistentDomains& nonexistent)
    : settings_(settings),
      limits_(limits),
      tls_(std::move(tls)),
      router_(router),
      registries_(std::move(registries)),
      network_(network),
      trust_(trust),
      nonexistent_(nonexistent),
      secret_(base::randomBytes(32)) {}

LinkManager::~LinkManager() = default;

std::shared_ptr<OutboundLink> LinkManager::linkTo(const std::string& domain,
                                                  std::optional<Backoff>* backingOff) {
  std::lock_guard lock(mutex_);
  if (stopped_) return nullptr;
  if (const auto failed = backoff_.find(domain);
      backingOff != nullptr && failed != backoff_.end() && outbound_.count(domain) == 0 &&
      std::chrono::steady_clock::now() < failed->second.until) {
    *backingOff = failed->second;
    return nullptr;
  }
  auto& link = outbound_[domain];
  if (!link) {
    // One shard per domain: its stanzas stay in order (RFC 6120 §10.1).
    auto& registry = *registries_[std::hash<std::string>{}(domain) % registries_.size()];
    link = std::make_shared<OutboundLink>(*this, registry, domain);
    asio::post(registry.shard(), [link] { link->start(); });
  }
  return link;
}

void LinkManager::send(xml::Element stanza, const xmpp::Jid& /*from*/, const xmpp::Jid& to,
                       api::JournalId journalId) {
  std::optional<Backoff> backingOff;
  auto link = linkTo(to.domain(), &backingOff);
  if (backingOff) {
    handleUndeliverable(router_, stanza, journalId, backingOff->unreachable);
    return;
  }
  if (!link) {
    // Shutting down: a recorded message stays stored for the next start.
    spdlog::debug("s2s: shutting down; <{}/> for {} does not leave", stanza.name(), to.domain());
    if (journalId != 0 && router_.journal() != nullptr) router_.journal()->release({&journalId, 1});
    return;
  }
  auto& shard = link->registryShard();
  asio::post(shard, [link = std::move(link), stanza = std::move(stanza), journalId]() mutable {
    link->enqueue(std::move(stanza), journalId);
  });
}

void LinkManager::recordFailure(const std::string& domain, bool unreachable) {
  constexpr std::chrono::seconds kMaxDelay{60};
  std::lock_guard lock(mutex_);
  Backoff& backoff = backoff_[domain];
  backoff.delay = std::min(kMaxDelay, std::max(std::chrono::seconds(1), backoff.delay * 2));
  backoff.until = std::chrono::steady_clock::now() + backoff.delay;
  backoff.unreachable = unreachable;
  spdlog::info("s2s: no new attempt to reach {} for {} s", domain, backoff.delay.count());
}

void LinkManager::recordSuccess(const std::string& domain) {
  std::lock_guard lock(mutex_);
  backoff_.erase(domain);
}

void LinkManager::recordAuthentication(const std::string& domain, bool certified) {
  if (network_ != nullptr && network_->isNetworkDomain(domain)) trust_.record(domain, certified);
}

void LinkManager::recordKey(const std::string& domain, std::string fingerprint) {
  trust_.recordKey(domain, std::move(fingerprint));
}

bool LinkManager::verifiesKeyOf(std::string_view domain) const {
  return trust_.verifiesKeys() && network_ != nullptr && network_->isNetworkDomain(domain);
}

void LinkManager::prepare(const std::string& domain) {
  std::optional<Backoff> backingOff;
  linkTo(domain, &backingOff);
}

bool LinkManager::requiresTls(std::string_view domain) const {
  return settings_.requireTls || (network_ != nullptr && network_->isNetworkDomain(domain));
}

void LinkManager::verifyDialback(const std::string& originating, const std::string& streamId,
                                 const std::string& key, VerifyCallback done) {
  auto link = linkTo(originating);
  if (!link) {
    done(false);
    return;
  }
  auto& shard = link->registryShard();
  asio::post(shard, [link = std::move(link), streamId, key, done = std::move(done)]() mutable {
    link->requestVerify(std::move(streamId), std::move(key), std::move(done));
  });
}

void LinkManager::forget(const std::string& domain, const OutboundLink* link) {
  std::lock_guard lock(mutex_);
  const auto found = outbound_.find(domain);
  if (found != outbound_.end() && found->second.get() == link) outbound_.erase(found);
}

void LinkManager::accept(stream::StreamRegistry& registry, asio::ip::tcp::socket socket) {
  InboundLink::start(*this, registry, std::move(socket));
}

void LinkManager::join() {
  dns_.stop();
  dns_.join();
}

void LinkManager::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  outbound_.clear();  // the registries close the links themselves
}

}  // namespace kontalk::s2s
