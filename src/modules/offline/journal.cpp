#include "modules/offline/journal.hpp"

#include <iterator>

#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/offline/storage_policy.hpp"
#include "xml/serializer.hpp"
#include "xmpp/message_type.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/presence.hpp"

namespace kontalk::modules::offline {
namespace {

using SteadyClock = std::chrono::steady_clock;
using SystemClock = std::chrono::system_clock;

// Records nobody waits for yet are written this often (see runWriter).
constexpr auto kLazyWriteInterval = std::chrono::milliseconds(50);
// Or as soon as this many wait for the writer.
constexpr std::size_t kEagerWriteBacklog = 10'000;
// What a record costs in memory beyond its strings: the map node, the Pending, its id in sets.
constexpr std::size_t kRecordOverheadBytes = 256;
// What a removal costs while it waits for the writer: its id in removals_ and in removing_.
constexpr std::size_t kRemovalBytes = 48;
// At shutdown a failing storage gets this many more attempts, this far apart. What is lost then
// was never acknowledged to its senders (their <a/> waits for durability), who send it again.
constexpr int kAttemptsWhenStopping = 3;
constexpr auto kStoppingRetryPause = std::chrono::milliseconds(500);
// A slow disk may touch the backlog's bound at every commit: say so at most this often.
constexpr auto kBackpressureLogInterval = std::chrono::seconds(60);

std::size_t recordBytes(const storage::JournalAppend& append) {
  return append.message.stanza.size() + append.username.size() + append.domain.size() +
         append.sender.size() + kRecordOverheadBytes;
}

// The bare JID of a routed message's sender. The router set 'from' to the sending session's
// full JID (already normalized), so cutting the resource is all there is to do; a JID has no
// '/' before its resource (RFC 7622 §3.1).
std::string senderOf(const xml::Element& message) {
  const std::string_view from = message.attribute("from");
  return std::string(from.substr(0, from.find('/')));
}

void runAll(std::vector<std::function<void()>>& callbacks) {
  for (auto& callback : callbacks) callback();
}

}  // namespace

Journal::Journal(storage::OfflineStore& store, Settings settings, std::int64_t highestStoredId)
    : store_(store),
      settings_(settings),
      ids_(settings.nodeId, highestStoredId),
      lastId_(highestStoredId),
      durableId_(highestStoredId),
      attemptsWhenStopping_(kAttemptsWhenStopping),
      commitSeconds_(base::metrics::registry().histogram(
          "kontalk_journal_commit_seconds",
          "Duration of the delivery journal's group commits (one transaction and fsync each), "
          "failed ones included.",
          base::metrics::latencyBuckets())),
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
  if (!settings_.durableDelivery) return 0;
  // Spec §7.9: subscription presences for another server are durable too (they wait in the
  // remote queue like messages); a local account's pending subscriptions are the roster's.
  const bool remoteSubscription = xmpp::isSubscriptionPresence(message) && isRemote(account);
  if (!remoteSubscription &&
      (message.name() != "message" || !xmpp::isNormalOrChat(message.attribute("type")) ||
       !shouldStore(message))) {
    return 0;
  }
  return enqueue(account, senderOf(message), message, {}, {}, true);
}

bool Journal::isRemote(const xmpp::Jid& account) const {
  return !settings_.localDomain.empty() && account.domain() != settings_.localDomain;
}

void Journal::store(const xmpp::Jid& account, const std::string& sender,
                    const xml::Element& message, Quota quota, StoreOutcome outcome) {
  // Nobody holds it: offline delivery takes it once it is written.
  enqueue(account, sender, message, quota, std::move(outcome), false);
}

api::JournalId Journal::enqueue(const xmpp::Jid& account, std::string sender,
                                const xml::Element& message, Quota quota, StoreOutcome outcome,
                                bool held) {
  const auto now = SystemClock::now();
  const bool remote = isRemote(account);
  const std::chrono::seconds expiry =
      remote ? settings_.remoteExpiry(account.domain()) : settings_.expiry;
  Pending pending{storage::JournalAppend{account.local(), account.domain(), std::move(sender),
                                         storage::OfflineMessage{
                                             0,
                                             xml::serialize(message, ns::kClient),
                                             base::unixSeconds(now),
                                             base::unixSeconds(now + expiry),
                                         },
                                         quota.maxMessages, quota.maxFromSender, remote},
                  std::move(outcome), 0};
  pending.bytes = recordBytes(pending.append);
  std::lock_guard lock(mutex_);
  const api::JournalId id = lastId_ = ids_.next();
  pending.append.message.id = id;
  growBacklog(1, pending.bytes);
  appends_.emplace(id, std::move(pending));
  if (held) inFlight_.insert(id);
  // Memory stays bounded even if nobody waits for durability.
  if (wantsEarlyCommit()) wakeWriter();
  return id;
}

void Journal::settle(std::span<const api::JournalId> ids) {
  std::vector<std::function<void()>> due;
  {
    std::lock_guard lock(mutex_);
    for (const api::JournalId id : ids) {
      inFlight_.erase(id);
      unhold(id, true, due);
      // Not written yet: then it never will be. Otherwise it goes with the next commit.
      if (const auto queued = appends_.find(id); queued != appends_.end()) {
        shrinkBacklog(1, queued->second.bytes, due);
        appends_.erase(queued);
      } else {
        removals_.push_back(id);
        removing_.insert(id);
        growBacklog(1, kRemovalBytes);
      }
    }
  }
  runAll(due);
}

void Journal::release(std::span<const api::JournalId> ids) {
  std::vector<std::function<void()>> due;
  {
    std::lock_guard lock(mutex_);
    for (const api::JournalId id : ids) {
      inFlight_.erase(id);
      unhold(id, false, due);
    }
  }
  runAll(due);
}

void Journal::unhold(api::JournalId id, bool acknowledged,
                     std::vector<std::function<void()>>& due) {
  const auto watched = watched_.find(id);
  if (watched == watched_.end()) return;
  const auto watch = std::move(watched->second);
  watched_.erase(watched);
  watch->allAcknowledged = watch->allAcknowledged && acknowledged;
  if (--watch->remaining == 0) {
    due.push_back([watch] { watch->settled(watch->allAcknowledged); });
  }
}

void Journal::whenSettled(const std::vector<api::JournalId>& ids, SettledCallback settled) {
  auto watch = std::make_shared<Watch>();
  watch->settled = std::move(settled);
  {
    std::lock_guard lock(mutex_);
    for (const api::JournalId id : ids) {
      if (inFlight_.contains(id) && watched_.emplace(id, watch).second) ++watch->remaining;
    }
    if (watch->remaining > 0) return;
  }
  watch->settled(true);
}

void Journal::wakeWriter() {
  // A busy writer takes everything queued when it is done: waking it costs a system call for
  // nothing.
  if (writerIdle_) wake_.notify_one();
}

bool Journal::wantsEarlyCommit() const {
  return appends_.size() >= kEagerWriteBacklog || backlogBytes_ >= settings_.backlogBytes / 2;
}

void Journal::growBacklog(std::size_t messages, std::size_t bytes) {
  backlogMessages_ += messages;
  backlogBytes_ += bytes;
  if (!accepting_.load(std::memory_order_relaxed) || backlogBytes_ < settings_.backlogBytes) {
    return;
  }
  accepting_.store(false, std::memory_order_release);
  ++backpressureEpisodes_;
  const auto now = SteadyClock::now();
  if (now - lastBackpressureLog_ >= kBackpressureLogInterval) {
    lastBackpressureLog_ = now;
    backpressureLogged_ = true;
    spdlog::warn(
        "offline: the delivery journal holds {} record(s), {} bytes, not yet durable: its bound "
        "([modules.offline] journal_backlog_bytes = {}); clients are not read from until "
        "storage catches up ({} time(s) so far)",
        backlogMessages_, backlogBytes_, settings_.backlogBytes, backpressureEpisodes_);
  }
}

void Journal::shrinkBacklog(std::size_t messages, std::size_t bytes,
                            std::vector<std::function<void()>>& due) {
  backlogMessages_ -= messages;
  backlogBytes_ -= bytes;
  // Some room before reading again, so that streams do not stop and go at every record.
  if (accepting_.load(std::memory_order_relaxed) ||
      backlogBytes_ > settings_.backlogBytes / 4 * 3) {
    return;
  }
  accepting_.store(true, std::memory_order_release);
  if (backpressureLogged_) {
    backpressureLogged_ = false;
    spdlog::info("offline: the delivery journal is below its bound again; clients are read again");
  }
  due.insert(due.end(), std::make_move_iterator(acceptWaiters_.begin()),
             std::make_move_iterator(acceptWaiters_.end()));
  acceptWaiters_.clear();
}

void Journal::whenAccepting(std::function<void()> ready) {
  {
    std::lock_guard lock(mutex_);
    if (!accepting_.load(std::memory_order_relaxed) && !stopping_) {
      acceptWaiters_.push_back(std::move(ready));
      return;
    }
  }
  ready();
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

Journal::Counters Journal::counters() const {
  std::lock_guard lock(mutex_);
  return Counters{failedCommits_,        backlogMessages_,
                  backlogBytes_,         accepting_.load(std::memory_order_relaxed),
                  backpressureEpisodes_, failingSince_,
                  lastFailure_};
}

void Journal::stop() {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    // Streams still waiting to read go on, and end.
    ready.swap(acceptWaiters_);
  }
  wake_.notify_one();
  runAll(ready);
  if (writer_.joinable()) writer_.join();
}

bool Journal::hasWork() const {
  return !appends_.empty() || !removals_.empty() || durableId_ < lastId_;
}

void Journal::runWriter() {
  std::unique_lock lock(mutex_);
  for (;;) {
    writerIdle_ = true;
    if (retryAt_) {
      // Storage failed: the next attempt keeps its time whoever waits for durability, so that a
      // failing disk is not hammered; a stop cuts a long pause short.
      if (stopping_) {
        wake_.wait_until(lock, *retryAt_);
      } else {
        wake_.wait_until(lock, *retryAt_, [this] { return stopping_; });
      }
    } else {
      // Someone waiting for durability (a sender's <r/>) gets a commit at once; other records
      // are written at the latest after kLazyWriteInterval, by which time most of them have
      // been settled by their recipients and need no write at all.
      wake_.wait_for(lock, kLazyWriteInterval,
                     [this] { return stopping_ || !waiters_.empty() || wantsEarlyCommit(); });
    }
    writerIdle_ = false;
    if (!hasWork()) {
      if (!stopping_) continue;
      writerDone_ = true;  // stopping, and everything is written
      return;
    }
    auto batch = takeBatch();
    if (!commit(batch, lastId_, lock)) {
      writerDone_ = true;
      return;
    }
  }
}

Journal::Batch Journal::takeBatch() {
  Batch batch;
  batch.appends.reserve(appends_.size());
  batch.outcomes.reserve(appends_.size());
  batch.bytes.reserve(appends_.size());
  for (auto& [id, pending] : appends_) {
    batch.appends.push_back(std::move(pending.append));
    batch.outcomes.push_back(std::move(pending.outcome));
    batch.bytes.push_back(pending.bytes);
  }
  appends_.clear();
  batch.removals.swap(removals_);
  return batch;
}

void Journal::putBack(Batch& batch) {
  for (std::size_t i = 0; i < batch.appends.size(); ++i) {
    const api::JournalId id = batch.appends[i].message.id;
    appends_.emplace(
        id, Pending{std::move(batch.appends[i]), std::move(batch.outcomes[i]), batch.bytes[i]});
  }
  // Removals queued meanwhile may refer to these appends: a commit appends before it removes.
  removals_.insert(removals_.end(), batch.removals.begin(), batch.removals.end());
}

bool Journal::commit(Batch& batch, api::JournalId covered, std::unique_lock<std::mutex>& lock) {
  Result<std::vector<storage::AppendOutcome>> committed;
  if (!batch.appends.empty() || !batch.removals.empty()) {
    lock.unlock();
    const auto started = SteadyClock::now();
    committed = store_.commit(batch.appends, batch.removals);
    commitSeconds_.observe(std::chrono::duration<double>(SteadyClock::now() - started).count());
    lock.lock();
  }
  const auto now = SteadyClock::now();
  if (!committed) {
    ++failedCommits_;
    lastFailure_ = committed.error();
    if (!failingSince_) failingSince_ = SystemClock::now();
    putBack(batch);
    if (stopping_ && --attemptsWhenStopping_ == 0) {
      spdlog::critical(
          "offline: storage still fails at shutdown ({}): {} message(s) not yet durable are "
          "lost; their senders were not acknowledged and send them again",
          committed.error().describe(), appends_.size());
      return false;
    }
    const auto pause = faults_.failed(committed.error(), {backlogMessages_, backlogBytes_}, now);
    retryAt_ =
        now + (stopping_ ? std::chrono::duration_cast<SteadyClock::duration>(kStoppingRetryPause)
                         : pause);
    return true;
  }
  faults_.succeeded(now);
  retryAt_.reset();
  failingSince_.reset();
  lastFailure_.reset();

  std::vector<std::function<void()>> due;
  std::size_t bytes = batch.removals.size() * kRemovalBytes;
  for (const std::size_t appendBytes : batch.bytes) bytes += appendBytes;
  shrinkBacklog(batch.appends.size() + batch.removals.size(), bytes, due);
  durableId_ = covered;
  // A read that began before this commit may still hold the removed rows.
  if (readers_ == 0) {
    for (const api::JournalId id : batch.removals) removing_.erase(id);
  } else {
    removedWhileReading_.insert(removedWhileReading_.end(), batch.removals.begin(),
                                batch.removals.end());
  }
  while (!waiters_.empty() && waiters_.front().first <= durableId_) {
    due.push_back(std::move(waiters_.front().second));
    waiters_.pop_front();
  }
  lock.unlock();
  const auto& outcomes = *committed;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (batch.outcomes[i]) {
      batch.outcomes[i](outcomes[i]);
    } else if (outcomes[i] == storage::AppendOutcome::NoSuchAccount) {
      spdlog::warn("offline: message for {}@{} not kept: the account is gone",
                   batch.appends[i].username, batch.appends[i].domain);
    }
  }
  runAll(due);
  lock.lock();
  return true;
}

}  // namespace kontalk::modules::offline
