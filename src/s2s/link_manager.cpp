#include "s2s/link_manager.hpp"

#include <functional>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/encoding.hpp"
#include "s2s/inbound_link.hpp"
#include "s2s/outbound_link.hpp"

namespace kontalk::s2s {

LinkManager::LinkManager(const S2sSettings& settings, const stream::LimitsSettings& limits,
                         S2sTls tls, router::Router& router,
                         std::vector<stream::StreamRegistry*> registries)
    : settings_(settings),
      limits_(limits),
      tls_(std::move(tls)),
      router_(router),
      registries_(std::move(registries)),
      secret_(base::randomBytes(32)) {}

LinkManager::~LinkManager() = default;

std::shared_ptr<OutboundLink> LinkManager::linkTo(const std::string& domain) {
  std::lock_guard lock(mutex_);
  if (stopped_) return nullptr;
  auto& link = outbound_[domain];
  if (!link) {
    // One shard per domain: its stanzas stay in order (RFC 6120 §10.1).
    auto& registry = *registries_[std::hash<std::string>{}(domain) % registries_.size()];
    link = std::make_shared<OutboundLink>(*this, registry, domain);
    asio::post(registry.shard(), [link] { link->start(); });
  }
  return link;
}

void LinkManager::send(xml::Element stanza, const xmpp::Jid& /*from*/, const xmpp::Jid& to) {
  auto link = linkTo(to.domain());
  if (!link) {
    spdlog::debug("s2s: shutting down; dropping <{}/> for {}", stanza.name(), to.domain());
    return;
  }
  auto& shard = link->registryShard();
  asio::post(shard, [link = std::move(link), stanza = std::move(stanza)]() mutable {
    link->enqueue(std::move(stanza));
  });
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
