#include "modules/offline/remote_delivery.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/offline/storage_policy.hpp"
#include "storage/storage.hpp"
#include "xml/element_text.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::offline {
namespace {

// How many expired messages one tick bounces at most: the rest wait for the next tick.
constexpr std::size_t kBouncesPerTick = 500;

}  // namespace

void RemoteDelivery::tick() {
  // One scan at a time: a slow disk must not pile up scans behind each other.
  if (scanning_.exchange(true)) return;
  host_.runBlocking([this] {
    bounceExpired();
    scan();
    scanning_.store(false);
  });
}

void RemoteDelivery::scan() {
  auto domains = host_.storage().offline().remoteDomains(base::unixNow());
  if (!domains) {
    spdlog::error("offline: cannot read the remote queue: {}", domains.error().describe());
    return;
  }
  std::vector<std::string> started;
  {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    for (const std::string& domain : *domains) {
      if (claimRun(domain, now)) started.push_back(domain);
    }
  }
  for (const std::string& domain : started) sendWindow(domain);
}

bool RemoteDelivery::claimRun(const std::string& domain,
                              std::chrono::steady_clock::time_point now) {
  Run& run = runs_[domain];
  if (run.active || now < run.retryAt) return false;
  run.active = true;
  run.cursor = 0;
  return true;
}

void RemoteDelivery::sendWindow(const std::string& domain) {
  for (;;) {
    std::int64_t cursor = 0;
    {
      std::lock_guard lock(mutex_);
      cursor = runs_.at(domain).cursor;
    }
    std::int64_t lastRead = cursor;
    auto claimed = claimWindow(domain, cursor, lastRead);
    if (!claimed) {
      end(domain, true);
      return;
    }
    if (lastRead == cursor) {  // nothing more queued
      end(domain, false);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      runs_.at(domain).cursor = lastRead;
    }
    std::vector<std::pair<xml::Element, api::JournalId>> window;
    std::vector<api::JournalId> ids;
    for (const auto& message : *claimed) {
      auto stanza = xml::parseElement(message.stanza, ns::kClient);
      if (!stanza) {
        // Kept, and held so that this process does not read it again (as OfflineDelivery).
        spdlog::error("offline: queued message {} for {} cannot be parsed; it stays stored",
                      message.id, domain);
        continue;
      }
      // XEP-0203: when it was sent, for a message that waited here (a subscription presence
      // is about the contact's state now).
      if (stanza->name() == "message") {
        stampDelay(*stanza, host_.domain(), base::fromUnixSeconds(message.storedAt));
      }
      ids.push_back(message.id);
      window.emplace_back(std::move(*stanza), message.id);
    }
    if (window.empty()) continue;
    journal_.whenSettled(ids, [this, domain](bool allAcknowledged) {
      handleWindowSettled(domain, allAcknowledged);
    });
    spdlog::debug("offline: sending {} queued message(s) to {} again", window.size(), domain);
    for (auto& [stanza, id] : window) host_.sendRecorded(std::move(stanza), id);
    return;
  }
}

Result<std::vector<storage::OfflineMessage>> RemoteDelivery::claimWindow(const std::string& domain,
                                                                         std::int64_t cursor,
                                                                         std::int64_t& lastRead) {
  // Messages a link holds right now (live sends) are skipped: they are not lost, and their
  // link hands them back if it fails.
  auto claimed = journal_.claimStored([&] {
    auto pending = host_.storage().offline().pendingRemote(
        domain, base::unixNow(), cursor,
        storage::PendingLimit{kWindowMessages, settings_.windowBytes});
    if (pending && !pending->empty()) lastRead = pending->back().id;
    return pending;
  });
  if (!claimed) {
    spdlog::error("offline: cannot read the remote queue of {}: {}", domain,
                  claimed.error().describe());
  }
  return claimed;
}

void RemoteDelivery::handleWindowSettled(const std::string& domain, bool allAcknowledged) {
  if (allAcknowledged) {
    host_.runBlocking([this, domain] { sendWindow(domain); });
  } else if (hopeless_(domain)) {
    host_.runBlocking([this, domain] { bounceAllOf(domain); });
  } else {
    end(domain, true);
  }
}

void RemoteDelivery::bounceAllOf(const std::string& domain) {
  auto error = xmpp::StanzaError::of(xmpp::StanzaErrorCondition::RemoteServerNotFound,
                                     "The recipient's domain does not exist.");
  error.type = xmpp::StanzaErrorType::Cancel;
  std::int64_t cursor = 0;
  for (;;) {
    std::int64_t lastRead = cursor;
    auto claimed = claimWindow(domain, cursor, lastRead);
    if (!claimed) {
      end(domain, true);
      return;
    }
    if (lastRead == cursor) break;
    cursor = lastRead;
    bounceStored(*claimed, error, domain + " does not exist");
  }
  end(domain, false);
}

void RemoteDelivery::end(const std::string& domain, bool failed) {
  std::lock_guard lock(mutex_);
  Run& run = runs_.at(domain);
  run.active = false;
  if (!failed) {
    // Nothing left: forget the domain (its back-off too).
    runs_.erase(domain);
    return;
  }
  run.backoff = std::min(kMaxBackoff, std::max(std::chrono::seconds(1), run.backoff * 2));
  run.retryAt = std::chrono::steady_clock::now() + run.backoff;
  spdlog::info("offline: {} did not take its queued messages; next attempt in {} s", domain,
               run.backoff.count());
}

void RemoteDelivery::bounceExpired() {
  auto claimed = journal_.claimStored(
      [&] { return host_.storage().offline().expiredRemote(base::unixNow(), kBouncesPerTick); });
  if (!claimed) {
    spdlog::error("offline: cannot read the remote queue's expired messages: {}",
                  claimed.error().describe());
    return;
  }
  bounceStored(*claimed,
               xmpp::StanzaError::of(xmpp::StanzaErrorCondition::RemoteServerTimeout,
                                     "The recipient's server did not take the message in time."),
               "it was not taken within the queue's time");
}

void RemoteDelivery::bounceStored(const std::vector<storage::OfflineMessage>& messages,
                                  const xmpp::StanzaError& error, std::string_view why) {
  std::vector<api::JournalId> ids;
  for (const auto& message : messages) {
    ids.push_back(message.id);
    auto stanza = xml::parseElement(message.stanza, ns::kClient);
    if (!stanza || stanza->attribute("type") == "error") continue;  // RFC 6120 §8.3.1
    spdlog::info("offline: {} {} to {} goes back to {}: {}", stanza->name(),
                 stanza->attribute("id"), stanza->attribute("to"), stanza->attribute("from"), why);
    returnToSender(xmpp::makeErrorReply(*stanza, error));
  }
  if (!ids.empty()) journal_.settle(ids);
}

// Spec §7.9: to the sender's session if it is still there, else to the account (the router
// drops an error for a gone resource, RFC 6121 §8.5.3.2.1), stored offline when no resource is
// available: the client must learn that the message was not delivered. A subscription request
// that was not delivered is not stored: the roster still shows it pending, and clients ask
// again. The error is settled
// with the original's record; its offline copy is a new record of its own.
void RemoteDelivery::returnToSender(xml::Element bounce) {
  const auto sender = xmpp::Jid::parse(bounce.attribute("to"));
  if (!sender || sender->domain() != host_.domain()) return;  // queued only for local senders
  bool resourceThere = false;
  bool accountAvailable = false;
  for (const auto& session : host_.sessionsOf(sender->bare())) {
    resourceThere = resourceThere || session->jid() == *sender;
    accountAvailable = accountAvailable || (session->isAvailable() && session->priority() >= 0);
  }
  if (resourceThere) {
    host_.send(std::move(bounce));
  } else if (accountAvailable) {
    bounce.setAttribute("to", sender->bareString());
    host_.send(std::move(bounce));
  } else if (bounce.name() != "message") {
    spdlog::info("offline: the bounce of presence {} finds {} offline; it is dropped",
                 bounce.attribute("id"), sender->bareString());
  } else {
    const std::string from(bounce.attribute("from"));
    journal_.store(sender->bare(), from, bounce, {},
                   [this, id = std::string(bounce.attribute("id")),
                    account = sender->bare()](storage::AppendOutcome outcome) {
                     if (outcome == storage::AppendOutcome::Stored) {
                       storedOffline_(account);
                     } else {
                       spdlog::warn("offline: the bounce of message {} could not be stored for {}",
                                    id, account.toString());
                     }
                   });
  }
}

}  // namespace kontalk::modules::offline
