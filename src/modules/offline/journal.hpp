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
// Threading: every method may be called from any thread.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "api/delivery_journal.hpp"
#include "storage/offline_store.hpp"

namespace kontalk::modules::offline {

class Journal final : public api::DeliveryJournal {
 public:
  using StoreOutcome = std::function<void(storage::AppendOutcome)>;

  struct Settings {
    std::chrono::seconds expiry;
    // false: live deliveries are not recorded and acknowledgements never wait; offline stores
    // still go through the journal. The server's behaviour without the durable contract, kept
    // for deployments that prefer it and for measuring what the contract costs.
    bool durableDelivery = true;
  };

  // Ids continue above `highestStoredId`. Starts the writer thread.
  Journal(storage::OfflineStore& store, Settings settings, std::int64_t highestStoredId);
  ~Journal() override;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // api::DeliveryJournal
  api::JournalId record(const xml::Element& message, const xmpp::Jid& account,
                        api::JournalId existing) override;
  void settle(std::span<const api::JournalId> ids) override;
  void whenDurable(std::function<void()> done) override;

  // Stores a message for `account` that no session took, unless the account holds `maxMessages`
  // already; `outcome` runs on the writer thread after the commit.
  void store(const xmpp::Jid& account, const xml::Element& message, std::size_t maxMessages,
             StoreOutcome outcome);
  // A recorded message no session holds any more: it stays stored, for offline delivery.
  // (Stored messages are not stamped; offline delivery adds the XEP-0203 delay.)
  void release(api::JournalId id);
  // Reads stored messages with `read` (a blocking storage call) and keeps those no session holds
  // and none acknowledged, also while the read ran; they count as held from here on.
  Result<std::vector<storage::OfflineMessage>> claimStored(
      const std::function<Result<std::vector<storage::OfflineMessage>>()>& read);
  // Blocks until everything queued before the call is durable (for worker threads).
  void waitDurable();
  // Writes what is queued and stops the writer (shutdown). Idempotent.
  void stop();

 private:
  struct Pending {
    storage::JournalAppend append;
    StoreOutcome outcome;  // empty for records of live deliveries
  };

  api::JournalId enqueue(const xmpp::Jid& account, const xml::Element& message,
                         std::size_t maxMessages, StoreOutcome outcome, bool held);
  void runWriter();
  void wakeWriter();  // with mutex_ held
  bool hasWork() const;
  // Commits one batch, retrying while storage fails (a sender's acknowledgement waits for it);
  // the appends' outcomes, none when it gave up at shutdown.
  std::vector<storage::AppendOutcome> commitBatch(
      const std::vector<storage::JournalAppend>& appends,
      const std::vector<api::JournalId>& removals);

  storage::OfflineStore& store_;
  const Settings settings_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  api::JournalId lastId_;     // the newest record; ids increase with every append
  api::JournalId durableId_;  // every record up to this one is written (or settled before)
  std::map<api::JournalId, Pending> appends_;  // queued for the writer, in id (= arrival) order
  std::vector<api::JournalId> removals_;       // queued for the writer
  std::unordered_set<api::JournalId> inFlight_;
  // Settled and on their way out of storage: deleted by the next commit, and remembered until
  // no read that began before that commit is left (claimStored).
  std::unordered_set<api::JournalId> removing_;
  std::vector<api::JournalId> removedWhileReading_;
  int readers_ = 0;
  // whenDurable callbacks with the record id they wait for, in call order.
  std::deque<std::pair<api::JournalId, std::function<void()>>> waiters_;
  bool stopping_ = false;
  bool writerDone_ = false;
  bool writerIdle_ = false;  // waiting for work
  std::thread writer_;
};

}  // namespace kontalk::modules::offline
