#pragma once
// The delivery journal (ARCHITECTURE.md §6) on offline storage: every message on its way to a
// local account is written to the offline queue before the server acknowledges it to its sender,
// and deleted when a session of the account acknowledges it. Whatever is left when the server
// dies is offline mail at the next start. The offline queue is thus one table with two kinds of
// writers: the router's records of live deliveries, and the offline module's stores of messages
// for accounts without an available session.
//
// Group commit: one writer thread takes everything queued since its last commit and writes it
// in one transaction (one fsync with synchronous=full). It commits at once when someone waits
// for durability (a sender's acknowledgement, whenDurable), else within 50 ms. A record settled
// before the writer took it never reaches the disk, which is the common case for a recipient
// that is online and quick to acknowledge.
//
// A record is "in flight" while some session holds it unacknowledged; offline delivery skips
// those so that a recipient does not get a live message a second time from storage.
//
// When storage fails (ARCHITECTURE.md §6), a failed commit's records go back into the queue, and
// the writer retries as StorageFaults says: with back-off, slowly for a permanent failure, never
// in a tight loop and never dropping anything. What waits for durability waits meanwhile. The
// queue is bounded by Settings::backlogBytes: beyond it isAccepting() is false and the c2s streams
// stop reading (api::DeliveryJournal), until commits succeed again.
//
// Threading: every method may be called from any thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api/delivery_journal.hpp"
#include "base/metrics.hpp"
#include "base/status.hpp"
#include "modules/offline/journal_ids.hpp"
#include "modules/offline/storage_faults.hpp"
#include "storage/offline_store.hpp"

namespace kontalk::modules::offline {

class Journal final : public api::DeliveryJournal {
 public:
  using StoreOutcome = std::function<void(storage::AppendOutcome)>;
  // Runs once no message of a window is held any more: `allAcknowledged` is false when some of
  // them were handed back (their session ended, a write failed) rather than acknowledged.
  using SettledCallback = std::function<void(bool allAcknowledged)>;

  struct Settings {
    std::chrono::seconds expiry;
    // false: live deliveries are not recorded and acknowledgements never wait; offline stores
    // still go through the journal. The server's behaviour without the durable contract, kept
    // for deployments that prefer it and for measuring what the contract costs.
    bool durableDelivery = true;
    // Memory for records not yet durable (stanza bytes plus bookkeeping) beyond which the
    // journal stops accepting (backpressure); commits are started early at half of it.
    std::size_t backlogBytes = std::size_t{32} << 20;
    // Messages for accounts of other domains than this one go to the remote queue (spec §7.9)
    // and expire after remoteExpiry(their domain) (then they go back to their senders:
    // RemoteDelivery). Called on the recording thread: it must be thread-safe and not block.
    std::string localDomain;
    std::function<std::chrono::seconds(std::string_view domain)> remoteExpiry;
    // This node's [cluster] node_id (0 outside a cluster): part of every id (journal_ids.hpp),
    // so that nodes sharing one database never give the same id.
    std::uint16_t nodeId = 0;
  };

  // An offline store's limits (storage::JournalAppend): 0 means none.
  struct Quota {
    std::size_t maxMessages = 0;
    std::size_t maxFromSender = 0;
  };

  // What the journal reports about itself (logs, and /metrics: journal_metrics.hpp).
  struct Counters {
    std::uint64_t failedCommits = 0;  // since start
    std::size_t backlogMessages = 0;  // records and removals not yet durable
    std::size_t backlogBytes = 0;
    bool accepting = true;
    std::uint64_t backpressureEpisodes = 0;  // times the backlog reached its bound
    // Since when commits fail, and the last failure; empty while storage works.
    std::optional<std::chrono::system_clock::time_point> failingSince;
    std::optional<Status> lastFailure;
  };

  // Ids continue above `highestStoredId` (JournalIdClock). Starts the writer thread.
  Journal(storage::OfflineStore& store, Settings settings, std::int64_t highestStoredId);
  ~Journal() override;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // api::DeliveryJournal
  api::JournalId record(const xml::Element& message, const xmpp::Jid& account,
                        api::JournalId existing) override;
  void settle(std::span<const api::JournalId> ids) override;
  // A recorded message no session holds any more: it stays stored, for offline delivery.
  // (Stored messages are not stamped; offline delivery adds the XEP-0203 delay.)
  void release(std::span<const api::JournalId> ids) override;
  void whenDurable(std::function<void()> done) override;
  bool isAccepting() const override { return accepting_.load(std::memory_order_acquire); }
  void whenAccepting(std::function<void()> ready) override;

  // api::DeliveryJournal::record for an account of another domain keeps the message, or the
  // subscription presence, in the remote queue until that server acknowledged it (settle) or
  // it expired.

  // Stores a message for `account` from `sender` (a bare JID) that no session took, within
  // `quota`; `outcome` runs on the writer thread after the commit.
  void store(const xmpp::Jid& account, const std::string& sender, const xml::Element& message,
             Quota quota, StoreOutcome outcome);
  // Reads stored messages with `read` (a blocking storage call) and keeps those no session holds
  // and none acknowledged, also while the read ran; they count as held from here on.
  Result<std::vector<storage::OfflineMessage>> claimStored(
      const std::function<Result<std::vector<storage::OfflineMessage>>()>& read);
  // Calls `settled` once none of `ids` (held records) is held any more: at once (on this thread)
  // when none is, else on the thread that settled or released the last one. For offline
  // delivery's flow control: call it before sending the messages.
  void whenSettled(const std::vector<api::JournalId>& ids, SettledCallback settled);
  Counters counters() const;
  // Writes what is queued and stops the writer (shutdown). Idempotent.
  void stop();

 private:
  struct Pending {
    storage::JournalAppend append;
    StoreOutcome outcome;   // empty for records of live deliveries
    std::size_t bytes = 0;  // what it counts in the backlog
  };
  // A window of whenSettled().
  struct Watch {
    std::size_t remaining = 0;
    bool allAcknowledged = true;
    SettledCallback settled;
  };
  // What one commit writes, taken out of the queue (and put back when the commit fails).
  struct Batch {
    std::vector<storage::JournalAppend> appends;
    std::vector<StoreOutcome> outcomes;
    std::vector<std::size_t> bytes;
    std::vector<api::JournalId> removals;
  };

  bool isRemote(const xmpp::Jid& account) const;  // another domain's: the remote queue
  api::JournalId enqueue(const xmpp::Jid& account, std::string sender, const xml::Element& message,
                         Quota quota, StoreOutcome outcome, bool held);
  void runWriter();
  void wakeWriter();  // with mutex_ held
  bool hasWork() const;
  bool wantsEarlyCommit() const;  // with mutex_ held
  // Records or removals enter the backlog (queued), or leave it (written, or settled before they
  // were): updates the accepting state and its log. Leaving may make whenAccepting callbacks due,
  // which are appended to `due`. With mutex_ held.
  void growBacklog(std::size_t messages, std::size_t bytes);
  void shrinkBacklog(std::size_t messages, std::size_t bytes,
                     std::vector<std::function<void()>>& due);
  // An id is no longer held: counts it down in its window, if any; appends a finished window's
  // callback to `due`. With mutex_ held.
  void unhold(api::JournalId id, bool acknowledged, std::vector<std::function<void()>>& due);
  Batch takeBatch();  // with mutex_ held
  // Commits `batch` (mutex_ held on entry and return, released meanwhile); on failure puts it
  // back and sets the next attempt's time. False when the writer gives up (failing storage at
  // shutdown).
  bool commit(Batch& batch, api::JournalId covered, std::unique_lock<std::mutex>& lock);
  void putBack(Batch& batch);  // with mutex_ held

  storage::OfflineStore& store_;
  const Settings settings_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  JournalIdClock ids_;
  api::JournalId lastId_;     // the newest record; ids increase with every append
  api::JournalId durableId_;  // every record up to this one is written (or settled before)
  std::map<api::JournalId, Pending> appends_;  // queued for the writer, in id (= arrival) order
  std::vector<api::JournalId> removals_;       // queued for the writer
  std::unordered_set<api::JournalId> inFlight_;
  std::unordered_map<api::JournalId, std::shared_ptr<Watch>> watched_;
  // Settled and on their way out of storage: deleted by the next commit, and remembered until
  // no read that began before that commit is left (claimStored).
  std::unordered_set<api::JournalId> removing_;
  std::vector<api::JournalId> removedWhileReading_;
  int readers_ = 0;
  // whenDurable callbacks with the record id they wait for, in call order.
  std::deque<std::pair<api::JournalId, std::function<void()>>> waiters_;
  std::vector<std::function<void()>> acceptWaiters_;

  // Backlog: everything queued or in the writer's hands until its commit succeeded.
  std::size_t backlogMessages_ = 0;
  std::size_t backlogBytes_ = 0;
  std::atomic<bool> accepting_{true};
  std::uint64_t backpressureEpisodes_ = 0;
  std::chrono::steady_clock::time_point lastBackpressureLog_{};
  bool backpressureLogged_ = false;  // the current episode was logged: so is its end

  StorageFaults faults_;                                          // writer thread only
  std::optional<std::chrono::steady_clock::time_point> retryAt_;  // while commits fail
  std::uint64_t failedCommits_ = 0;
  std::optional<std::chrono::system_clock::time_point> failingSince_;
  std::optional<Status> lastFailure_;
  int attemptsWhenStopping_;
  base::metrics::Histogram& commitSeconds_;

  bool stopping_ = false;
  bool writerDone_ = false;
  bool writerIdle_ = false;  // waiting for work
  std::thread writer_;
};

}  // namespace kontalk::modules::offline
