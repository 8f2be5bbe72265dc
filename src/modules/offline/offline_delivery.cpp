#include "modules/offline/offline_delivery.hpp"

#include <chrono>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/offline/storage_policy.hpp"
#include "storage/storage.hpp"
#include "xml/element_text.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::offline {

void OfflineDelivery::request(const xmpp::Jid& target) {
  std::string account = target.bareString();
  {
    std::lock_guard lock(mutex_);
    auto [entry, started] = running_.try_emplace(account, Run{target, {}, 0});
    if (!started) {
      entry->second.next = target;  // served by the run in progress when it ends
      return;
    }
  }
  begin(account);
}

void OfflineDelivery::begin(const std::string& account) {
  // Messages stored or handed back just before the request may still be on their way to the
  // disk: reading before they arrive would leave them behind until the next login. While
  // storage fails this waits, on no thread.
  journal_.whenDurable(
      [this, account] { host_.runBlocking([this, account] { sendWindow(account); }); });
}

void OfflineDelivery::sendWindow(const std::string& account) {
  for (;;) {
    xmpp::Jid target;
    std::int64_t cursor = 0;
    {
      std::lock_guard lock(mutex_);
      const auto& run = running_.at(account);
      target = run.target;
      cursor = run.cursor;
    }
    std::int64_t lastRead = cursor;
    auto claimed = journal_.claimStored([&] {
      auto pending = host_.storage().offline().pending(
          target.local(), target.domain(), base::unixNow(), cursor,
          storage::PendingLimit{kWindowMessages, settings_.windowBytes});
      if (pending && !pending->empty()) lastRead = pending->back().id;
      return pending;
    });
    if (!claimed) {
      spdlog::error("offline: cannot read the queue of {}: {}", account,
                    claimed.error().describe());
      end(account);
      return;
    }
    if (lastRead == cursor) {  // nothing more stored
      end(account);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      running_.at(account).cursor = lastRead;
    }
    std::vector<std::pair<xml::Element, api::JournalId>> window;
    std::vector<api::JournalId> ids;
    for (const auto& message : *claimed) {
      auto stanza = xml::parseElement(message.stanza, ns::kClient);
      if (!stanza) {
        reportUnreadable(message, account);
        continue;
      }
      stampDelay(*stanza, host_.domain(), base::fromUnixSeconds(message.storedAt));
      // Addressed to the session chosen for delivery; should it be gone by now, the router
      // hands the message back (Undeliverable) and it waits for the next session.
      stanza->setAttribute("to", target.toString());
      ids.push_back(message.id);
      window.emplace_back(std::move(*stanza), message.id);
    }
    if (window.empty()) continue;  // all of it held elsewhere or unreadable: read on
    // Before sending: a quick client may acknowledge the first message before the last is sent.
    journal_.whenSettled(ids, [this, account](bool allAcknowledged) {
      handleWindowSettled(account, allAcknowledged);
    });
    for (auto& [stanza, id] : window) host_.sendRecorded(std::move(stanza), id);
    return;
  }
}

void OfflineDelivery::handleWindowSettled(const std::string& account, bool allAcknowledged) {
  if (allAcknowledged) {
    host_.runBlocking([this, account] { sendWindow(account); });
  } else {
    // The session went away (or its connection broke): what is left waits for the next one.
    end(account);
  }
}

void OfflineDelivery::end(const std::string& account) {
  {
    std::lock_guard lock(mutex_);
    auto& run = running_.at(account);
    if (run.next.isEmpty()) {
      running_.erase(account);
      return;
    }
    run.target = std::exchange(run.next, xmpp::Jid{});
    run.cursor = 0;
  }
  begin(account);
}

void OfflineDelivery::reportUnreadable(const storage::OfflineMessage& message,
                                       const std::string& account) {
  // Its sender was acknowledged, so it is not dropped: it stays stored (until it expires) and
  // held, so that later runs of this process skip it, for an operator to look at.
  const auto count = unreadable_.fetch_add(1, std::memory_order_relaxed) + 1;
  spdlog::error(
      "offline: stored message {} of {} cannot be parsed; it is kept in storage and not "
      "delivered ({} unreadable message(s) since start)",
      message.id, account, count);
}

}  // namespace kontalk::modules::offline
