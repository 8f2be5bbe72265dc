#include "modules/offline/offline_delivery.hpp"

#include <chrono>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/unix_time.hpp"
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
    bool more = true;
    while (more) {
      const auto delivered = sendBatch(target, more);
      // A failed removal would hand out the same batch again: stop here instead.
      if (!delivered.empty() && !markDelivered(target.bare(), delivered)) more = false;
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

std::vector<std::int64_t> OfflineDelivery::sendBatch(const xmpp::Jid& target, bool& more) {
  more = false;
  auto pending = host_.storage().offline().pending(target.local(), target.domain(), core::unixNow(),
                                                   kBatchSize);
  if (!pending) {
    spdlog::error("offline: cannot read the queue of {}: {}", target.bareString(),
                  pending.error().message);
    return {};
  }
  std::vector<std::int64_t> delivered;
  for (const auto& message : *pending) {
    delivered.push_back(message.id);
    auto stanza = xml::parseElement(message.stanza, ns::kClient);
    if (!stanza) {
      // Only a damaged database produces this; keeping it would block the queue for good.
      spdlog::error("offline: dropping unreadable stored message {} of {}", message.id,
                    target.bareString());
      continue;
    }
    // Addressed to the session chosen for delivery; should it be gone by now, the router treats
    // the message as undeliverable again and it is stored anew (with its first delay stamp).
    stanza->setAttribute("to", target.toString());
    host_.send(std::move(*stanza));
  }
  more = pending->size() == kBatchSize;
  return delivered;
}

bool OfflineDelivery::markDelivered(const xmpp::Jid& account,
                                    const std::vector<std::int64_t>& ids) {
  if (auto removed = host_.storage().offline().remove(account.local(), account.domain(), ids);
      !removed) {
    // They stay stored and come again at the next login: a duplicate, not a loss.
    spdlog::error("offline: cannot remove {} delivered message(s) of {}: {}", ids.size(),
                  account.toString(), removed.error().message);
    return false;
  }
  return true;
}

}  // namespace kontalk::modules::offline
