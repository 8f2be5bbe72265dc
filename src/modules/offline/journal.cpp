#include "modules/offline/journal.hpp"

#include <future>

#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/offline/storage_policy.hpp"
#include "xml/serializer.hpp"
#include "xmpp/message_type.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::offline {
namespace {

// Records nobody waits for yet are written this often (see runWriter).
constexpr auto kLazyWriteInterval = std::chrono::milliseconds(50);
// Or as soon as this many wait for the writer.
constexpr std::size_t kEagerWriteBacklog = 10'000;
// A storage failure is retried after this pause; the senders' acknowledgements wait meanwhile.
constexpr auto kRetryPause = std::chrono::seconds(1);
// At shutdown a failing storage gets this many more attempts. What is lost then was never
// acknowledged to its senders, who send it again.
constexpr int kAttemptsWhenStopping = 3;

}  // namespace

Journal::Journal(storage::OfflineStore& store, Settings settings, std::int64_t highestStoredId)
    : store_(store),
      settings_(settings),
      lastId_(highestStoredId),
      durableId_(highestStoredId),
      writer_([this] { runWriter(); }) {}

Journal::~Journal() {
  stop();
}

api::JournalId Journal::record(const xml::Element& message, const xmpp::Jid& account,
                               api::JournalId existing) {
  if (existing != 0) {
    std::lock_guard lock(mutex_);
    inFlight_.insert(existing);
    return existing;
  }
  if (!settings_.durableDelivery || !xmpp::isNormalOrChat(message.attribute("type")) ||
      !shouldStore(message)) {
    return 0;
  }
  return enqueue(account, message, 0, {}, true);
}

void Journal::store(const xmpp::Jid& account, const xml::Element& message, std::size_t maxMessages,
                    StoreOutcome outcome) {
  // Nobody holds it: offline delivery takes it once it is written.
  enqueue(account, message, maxMessages, std::move(outcome), false);
}

api::JournalId Journal::enqueue(const xmpp::Jid& account, const xml::Element& message,
                                std::size_t maxMessages, StoreOutcome outcome, bool held) {
  const auto now = std::chrono::system_clock::now();
  Pending pending{storage::JournalAppend{account.local(), account.domain(),
                                         storage::OfflineMessage{
                                             0,
                                             xml::serialize(message, ns::kClient),
                                             base::unixSeconds(now),
                                             base::unixSeconds(now + settings_.expiry),
                                         },
                                         maxMessages},
                  std::move(outcome)};
  std::lock_guard lock(mutex_);
  const api::JournalId id = ++lastId_;
  pending.append.message.id = id;
  appends_.emplace(id, std::move(pending));
  if (held) inFlight_.insert(id);
  // Memory stays bounded even if nobody waits for durability.
  if (appends_.size() >= kEagerWriteBacklog) wakeWriter();
  return id;
}

void Journal::settle(std::span<const api::JournalId> ids) {
  std::lock_guard lock(mutex_);
  for (const api::JournalId id : ids) {
    inFlight_.erase(id);
    // Not written yet: then it never will be. Otherwise it goes with the next commit.
    if (appends_.erase(id) == 0) {
      removals_.push_back(id);
      removing_.insert(id);
    }
  }
}

void Journal::wakeWriter() {
  // A busy writer takes everything queued when it is done: waking it costs a system call for
  // nothing.
  if (writerIdle_) wake_.notify_one();
}

void Journal::release(api::JournalId id) {
  std::lock_guard lock(mutex_);
  inFlight_.erase(id);
}

Result<std::vector<storage::OfflineMessage>> Journal::claimStored(
    const std::function<Result<std::vector<storage::OfflineMessage>>()>& read) {
  {
    std::lock_guard lock(mutex_);
    ++readers_;
  }
  auto messages = read();
  std::lock_guard lock(mutex_);
  if (messages) {
    std::erase_if(*messages, [this](const auto& message) {
      // Acknowledged meanwhile, though perhaps still on disk when it was read: never again.
      if (removing_.contains(message.id)) return true;
      return !inFlight_.insert(message.id).second;  // held by a session already
    });
  }
  if (--readers_ == 0) {
    for (const api::JournalId id : removedWhileReading_) removing_.erase(id);
    removedWhileReading_.clear();
  }
  return messages;
}

void Journal::whenDurable(std::function<void()> done) {
  {
    std::lock_guard lock(mutex_);
    if (durableId_ < lastId_ && !writerDone_) {
      waiters_.emplace_back(lastId_, std::move(done));
      wakeWriter();
      return;
    }
  }
  done();
}

void Journal::waitDurable() {
  std::promise<void> durable;
  whenDurable([&durable] { durable.set_value(); });
  durable.get_future().wait();
}

void Journal::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

bool Journal::hasWork() const {
  return !appends_.empty() || !removals_.empty() || durableId_ < lastId_;
}

void Journal::runWriter() {
  std::unique_lock lock(mutex_);
  for (;;) {
    // Someone waiting for durability (a sender's <r/>) gets a commit at once; other records
    // are written at the latest after kLazyWriteInterval, by which time most of them have been
    // settled by their recipients and need no write at all.
    writerIdle_ = true;
    wake_.wait_for(lock, kLazyWriteInterval, [this] {
      return stopping_ || !waiters_.empty() || appends_.size() >= kEagerWriteBacklog;
    });
    writerIdle_ = false;
    if (!hasWork()) {
      if (!stopping_) continue;
      writerDone_ = true;  // stopping, and everything is written
      return;
    }
    std::vector<storage::JournalAppend> appends;
    std::vector<StoreOutcome> outcomes;
    appends.reserve(appends_.size());
    for (auto& [id, pending] : appends_) {
      appends.push_back(std::move(pending.append));
      outcomes.push_back(std::move(pending.outcome));
    }
    appends_.clear();
    std::vector<api::JournalId> removals;
    removals.swap(removals_);
    const api::JournalId covered = lastId_;
    lock.unlock();

    const auto results = commitBatch(appends, removals);
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (outcomes[i]) {
        outcomes[i](results[i]);
      } else if (results[i] == storage::AppendOutcome::NoSuchAccount) {
        spdlog::warn("offline: message for {}@{} not kept: the account is gone",
                     appends[i].username, appends[i].domain);
      }
    }

    lock.lock();
    durableId_ = covered;
    // A read that began before this commit may still hold the removed rows.
    if (readers_ == 0) {
      for (const api::JournalId id : removals) removing_.erase(id);
    } else {
      removedWhileReading_.insert(removedWhileReading_.end(), removals.begin(), removals.end());
    }
    std::vector<std::function<void()>> done;
    while (!waiters_.empty() && waiters_.front().first <= durableId_) {
      done.push_back(std::move(waiters_.front().second));
      waiters_.pop_front();
    }
    lock.unlock();
    for (auto& callback : done) callback();
    lock.lock();
  }
}

std::vector<storage::AppendOutcome> Journal::commitBatch(
    const std::vector<storage::JournalAppend>& appends,
    const std::vector<api::JournalId>& removals) {
  if (appends.empty() && removals.empty()) return {};
  int attemptsLeft = kAttemptsWhenStopping;
  for (;;) {
    auto committed = store_.commit(appends, removals);
    if (committed) return std::move(*committed);
    spdlog::error("offline: cannot write {} message(s) and {} removal(s): {}", appends.size(),
                  removals.size(), committed.error().message);
    {
      std::lock_guard lock(mutex_);
      if (stopping_ && --attemptsLeft == 0) {
        spdlog::critical("offline: giving up on {} message(s) at shutdown", appends.size());
        return {};
      }
    }
    std::this_thread::sleep_for(kRetryPause);
  }
}

}  // namespace kontalk::modules::offline
