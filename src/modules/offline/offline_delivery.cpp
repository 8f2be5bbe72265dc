#include "modules/offline/offline_delivery.hpp"

#include <chrono>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/offline/storage_policy.hpp"
#include "storage/storage.hpp"
#include "xml/element_text.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::offline {
namespace {

// Messages read from storage per round trip: bounds the memory one delivery run holds.
constexpr std::size_t kBatchSize = 100;

}  // namespace

void OfflineDelivery::request(const xmpp::Jid& target) {
  {
    std::lock_guard lock(mutex_);
    auto [entry, started] = running_.try_emplace(target.bareString());
    if (!started) {
      entry->second = target;  // served by the run in progress when it ends
      return;
    }
  }
  host_.runBlocking([this, target] { run(target); });
}

void OfflineDelivery::run(xmpp::Jid target) {
  for (;;) {
    // Messages stored or handed back just before the request may still be on their way to
    // the disk: reading before they arrive would leave them behind until the next login.
    journal_.waitDurable();
    std::int64_t cursor = 0;
    while (sendBatch(target, cursor)) {
    }
    std::lock_guard lock(mutex_);
    auto entry = running_.find(target.bareString());
    if (entry->second.isEmpty()) {
      running_.erase(entry);
      return;
    }
    target = std::exchange(entry->second, xmpp::Jid{});
  }
}

bool OfflineDelivery::sendBatch(const xmpp::Jid& target, std::int64_t& cursor) {
  std::int64_t lastRead = cursor;
  std::size_t read = 0;
  auto claimed = journal_.claimStored([&] {
    auto pending = host_.storage().offline().pending(target.local(), target.domain(),
                                                     base::unixNow(), cursor, kBatchSize);
    if (pending && !pending->empty()) {
      lastRead = pending->back().id;
      read = pending->size();
    }
    return pending;
  });
  if (!claimed) {
    spdlog::error("offline: cannot read the queue of {}: {}", target.bareString(),
                  claimed.error().message);
    return false;
  }
  cursor = lastRead;
  for (auto& message : *claimed) {
    auto stanza = xml::parseElement(message.stanza, ns::kClient);
    if (!stanza) {
      // Only a damaged database produces this; keeping it would block the queue for good.
      spdlog::error("offline: dropping unreadable stored message {} of {}", message.id,
                    target.bareString());
      const api::JournalId id = message.id;
      journal_.settle({&id, 1});
      continue;
    }
    stampDelay(*stanza, host_.domain(), base::fromUnixSeconds(message.storedAt));
    // Addressed to the session chosen for delivery; should it be gone by now, the router hands
    // the message back (Undeliverable) and it waits for the next session.
    stanza->setAttribute("to", target.toString());
    host_.sendRecorded(std::move(*stanza), message.id);
  }
  return read == kBatchSize;
}

}  // namespace kontalk::modules::offline
