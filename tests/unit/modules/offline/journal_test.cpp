#include "modules/offline/journal.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "base/unix_time.hpp"
#include "storage/migrated_storage.hpp"
#include "xml/element_text.hpp"

namespace kontalk::modules::offline {
namespace {

using storage::AppendOutcome;

xml::Element chat(std::string_view body, std::string_view type = "chat") {
  auto message = xml::parseElement(
      "<message xmlns='jabber:client' from='bob@example.org/phone' to='alice@example.org' type='" +
          std::string(type) + "'><body>" + std::string(body) + "</body></message>",
      "jabber:client");
  return std::move(*message);
}

const xmpp::Jid kAlice = *xmpp::Jid::parse("alice@example.org");
constexpr std::chrono::seconds kRemoteExpiry{300};
constexpr std::chrono::seconds kNetworkExpiry{604800};
// Spec §7.9: members of the Kontalk network keep their queue as long as offline storage.
std::chrono::seconds remoteExpiryOf(std::string_view domain) {
  return domain == "network.test" ? kNetworkExpiry : kRemoteExpiry;
}

class JournalTest : public storage::testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    ASSERT_TRUE(createAccounts({"alice"}));
    start();
  }

  void start(bool durable = true) {
    auto highest = storage().offline().highestId();
    ASSERT_TRUE(highest);
    journal_ = std::make_unique<Journal>(
        storage().offline(),
        Journal::Settings{std::chrono::hours(1), durable, std::size_t{32} << 20, "example.org",
                          remoteExpiryOf},
        *highest);
  }

  std::vector<storage::OfflineMessage> stored() {
    auto pending = storage().offline().pending("alice", "example.org", 0, 0, {100000, 0});
    EXPECT_TRUE(pending);
    return *pending;
  }

  // Blocks until everything recorded so far is durable (the journal itself never blocks).
  void waitDurable() {
    std::promise<void> durable;
    journal_->whenDurable([&durable] { durable.set_value(); });
    durable.get_future().wait();
  }

  std::vector<storage::OfflineMessage> claim() {
    auto claimed = journal_->claimStored(
        [this]() -> Result<std::vector<storage::OfflineMessage>> { return stored(); });
    EXPECT_TRUE(claimed);
    return *claimed;
  }

  // The outcome of a store(), once the journal's writer reported it.
  AppendOutcome storeAndWait(const xml::Element& message, std::size_t maxMessages,
                             const xmpp::Jid& account = kAlice) {
    std::promise<AppendOutcome> outcome;
    journal_->store(account, "bob@example.org", message, {maxMessages, 0},
                    [&outcome](AppendOutcome result) { outcome.set_value(result); });
    return outcome.get_future().get();
  }

  std::unique_ptr<Journal> journal_;
};

TEST_F(JournalTest, RecordedMessageIsStoredWhenDurable) {
  const auto id = journal_->record(chat("hi"), kAlice, 0);
  ASSERT_NE(id, 0);
  waitDurable();
  const auto messages = stored();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].id, id);
  EXPECT_NE(messages[0].stanza.find("<body>hi</body>"), std::string::npos);
}

TEST_F(JournalTest, SettledRecordsLeaveStorage) {
  const auto first = journal_->record(chat("one"), kAlice, 0);
  waitDurable();
  const auto second = journal_->record(chat("two"), kAlice, 0);
  // Settled before or after the commit: neither stays.
  journal_->settle(std::vector<api::JournalId>{first, second});
  journal_->record(chat("three"), kAlice, 0);  // its commit carries the removals too
  waitDurable();
  const auto messages = stored();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].stanza.find("three"), std::string::npos);
}

// Spec §7.9: a message for an account on another server is kept in the remote queue (no local
// account needed), with the remote expiry, until that server acknowledged it.
TEST_F(JournalTest, MessageForAnotherServerGoesToTheRemoteQueueUntilSettled) {
  const xmpp::Jid bob = *xmpp::Jid::parse("bob@b.test");
  const auto before = base::unixNow();
  const auto id = journal_->record(chat("far"), bob, 0);
  ASSERT_NE(id, 0);
  waitDurable();
  EXPECT_TRUE(stored().empty()) << "a remote message landed in a local account's queue";
  auto queued = storage().offline().pendingRemote("b.test", before, 0, {100, 0});
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ((*queued)[0].id, id);
  EXPECT_NE((*queued)[0].stanza.find("<body>far</body>"), std::string::npos);
  EXPECT_GE((*queued)[0].expiresAt, before + kRemoteExpiry.count());
  EXPECT_LE((*queued)[0].expiresAt, base::unixNow() + kRemoteExpiry.count());
  // A network member's messages wait longer.
  journal_->record(chat("member"), *xmpp::Jid::parse("carol@network.test"), 0);
  waitDurable();
  const auto member = storage().offline().pendingRemote("network.test", before, 0, {100, 0});
  ASSERT_TRUE(member);
  ASSERT_EQ(member->size(), 1u);
  EXPECT_GE((*member)[0].expiresAt, before + kNetworkExpiry.count());
  journal_->settle({&id, 1});
  journal_->record(chat("flush"), kAlice, 0);  // carries the removal
  waitDurable();
  queued = storage().offline().pendingRemote("b.test", before, 0, {100, 0});
  ASSERT_TRUE(queued);
  EXPECT_TRUE(queued->empty());
}

TEST_F(JournalTest, OnlyMessagesWorthKeepingAreRecorded) {
  auto composing = xml::parseElement(
      "<message xmlns='jabber:client' type='chat'>"
      "<composing xmlns='http://jabber.org/protocol/chatstates'/></message>",
      "jabber:client");
  EXPECT_EQ(journal_->record(*composing, kAlice, 0), 0);
  EXPECT_EQ(journal_->record(chat("x", "headline"), kAlice, 0), 0);
  EXPECT_EQ(journal_->record(chat("x", "groupchat"), kAlice, 0), 0);
  EXPECT_NE(journal_->record(chat("x", "normal"), kAlice, 0), 0);
  // A rerouted message keeps its record.
  EXPECT_EQ(journal_->record(chat("x"), kAlice, 77), 77);
}

// Spec §7.9: subscription presences for another server wait in the remote queue like messages;
// other presences, and subscriptions between local accounts (the roster keeps those), do not.
TEST_F(JournalTest, SubscriptionPresencesForAnotherServerAreRecorded) {
  const auto presence = [](std::string_view type) {
    return *xml::parseElement(
        "<presence xmlns='jabber:client' from='alice@example.org/phone' "
        "to='bob@b.test' type='" +
            std::string(type) + "'/>",
        "jabber:client");
  };
  const xmpp::Jid bob = *xmpp::Jid::parse("bob@b.test");
  for (const char* type : {"subscribe", "subscribed", "unsubscribe", "unsubscribed"}) {
    EXPECT_NE(journal_->record(presence(type), bob, 0), 0) << type;
    EXPECT_EQ(journal_->record(presence(type), kAlice, 0), 0) << type;
  }
  EXPECT_EQ(journal_->record(presence("unavailable"), bob, 0), 0);
  EXPECT_EQ(journal_->record(presence("probe"), bob, 0), 0);
  waitDurable();
  auto queued = storage().offline().pendingRemote("b.test", 0, 0, {100, 0});
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 4u);
  EXPECT_NE((*queued)[0].stanza.find("type='subscribe'"), std::string::npos);
}

TEST_F(JournalTest, WhenDurableRunsAtOnceWhenNothingIsPendingAndAfterTheCommitOtherwise) {
  bool immediate = false;
  journal_->whenDurable([&] { immediate = true; });
  EXPECT_TRUE(immediate);

  std::promise<std::size_t> storedWhenCalled;
  journal_->record(chat("one"), kAlice, 0);
  journal_->whenDurable([&] { storedWhenCalled.set_value(stored().size()); });
  EXPECT_EQ(storedWhenCalled.get_future().get(), 1u);
}

TEST_F(JournalTest, StoreReportsQuotaAndUnknownAccounts) {
  EXPECT_EQ(storeAndWait(chat("one"), 2), AppendOutcome::Stored);
  EXPECT_EQ(storeAndWait(chat("two"), 2), AppendOutcome::Stored);
  EXPECT_EQ(storeAndWait(chat("three"), 2), AppendOutcome::QuotaExceeded);
  EXPECT_EQ(storeAndWait(chat("x"), 2, *xmpp::Jid::parse("nobody@example.org")),
            AppendOutcome::NoSuchAccount);
  EXPECT_EQ(stored().size(), 2u);
}

TEST_F(JournalTest, ClaimSkipsMessagesSessionsHoldUntilReleased) {
  const auto live = journal_->record(chat("live"), kAlice, 0);
  ASSERT_EQ(storeAndWait(chat("offline"), 10), AppendOutcome::Stored);
  waitDurable();

  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_NE(claimed[0].stanza.find("offline"), std::string::npos);
  EXPECT_TRUE(claim().empty());  // both are held now

  journal_->release({&live, 1});
  claimed = claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, live);
}

TEST_F(JournalTest, MessageAcknowledgedDuringAReadIsNotClaimed) {
  const auto id = journal_->record(chat("live"), kAlice, 0);
  waitDurable();
  auto claimed = journal_->claimStored([&] {
    auto rows = storage().offline().pending("alice", "example.org", 0, 0, {10, 0});
    // The session acknowledges it and the removal is written while the read's rows are stale.
    journal_->settle({&id, 1});
    journal_->record(chat("later"), kAlice, 0);
    waitDurable();
    return rows;
  });
  ASSERT_TRUE(claimed);
  EXPECT_TRUE(claimed->empty());
}

TEST_F(JournalTest, WithoutDurableDeliveryLiveMessagesAreNotRecorded) {
  journal_.reset();
  start(false);
  EXPECT_EQ(journal_->record(chat("hi"), kAlice, 0), 0);
  bool immediate = false;
  journal_->whenDurable([&] { immediate = true; });
  EXPECT_TRUE(immediate);
  EXPECT_EQ(storeAndWait(chat("offline"), 10), AppendOutcome::Stored);
}

TEST_F(JournalTest, StopWritesWhatIsQueuedAndIdsContinueAfterARestart) {
  std::vector<api::JournalId> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(journal_->record(chat("m"), kAlice, 0));
  journal_->stop();
  EXPECT_EQ(stored().size(), 50u);
  journal_.reset();
  start();
  EXPECT_GT(journal_->record(chat("after"), kAlice, 0), ids.back());
}

TEST_F(JournalTest, ConcurrentRecordsAndSettlementsLeaveExactlyTheUnsettled) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  std::vector<std::thread> threads;
  std::atomic<int> kept{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const auto id = journal_->record(chat("m"), kAlice, 0);
        if ((i + t) % 10 == 0) {
          ++kept;
        } else {
          journal_->settle({&id, 1});
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  journal_->record(chat("last"), kAlice, 0);
  waitDurable();
  EXPECT_EQ(static_cast<int>(stored().size()), kept.load() + 1);
}

}  // namespace
}  // namespace kontalk::modules::offline

namespace kontalk::modules::offline {
namespace {

using Clock = std::chrono::steady_clock;

// The real store, made to fail on demand: what a full disk or a broken database looks like to
// the journal (storage reports them as Status, base/status.hpp). Records when commits were tried.
class FailingOfflineStore final : public storage::OfflineStore {
 public:
  explicit FailingOfflineStore(storage::OfflineStore& real) : real_(real) {}

  void failWith(std::optional<Status> failure) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(failure);
  }
  std::vector<Clock::time_point> attempts() const {
    std::lock_guard lock(mutex_);
    return attempts_;
  }
  void waitForAttempts(std::size_t count) const {
    std::unique_lock lock(mutex_);
    attempted_.wait(lock, [&] { return attempts_.size() >= count; });
  }

  Result<std::vector<AppendOutcome>> commit(const std::vector<storage::JournalAppend>& appends,
                                            const std::vector<std::int64_t>& removals) override {
    {
      std::lock_guard lock(mutex_);
      attempts_.push_back(Clock::now());
      attempted_.notify_all();
      if (failure_) return tl::unexpected(*failure_);
    }
    return real_.commit(appends, removals);
  }
  Result<std::int64_t> highestId() override { return real_.highestId(); }
  Result<storage::StoredCounts> countStored() override { return real_.countStored(); }
  Result<std::vector<storage::OfflineMessage>> pending(const std::string& username,
                                                       const std::string& domain, std::int64_t now,
                                                       std::int64_t afterId,
                                                       storage::PendingLimit limit) override {
    return real_.pending(username, domain, now, afterId, limit);
  }
  Result<std::int64_t> purgeExpired(std::int64_t now) override { return real_.purgeExpired(now); }
  Result<std::vector<std::string>> remoteDomains(std::int64_t now) override {
    return real_.remoteDomains(now);
  }
  Result<std::vector<storage::OfflineMessage>> pendingRemote(const std::string& domain,
                                                             std::int64_t now, std::int64_t afterId,
                                                             storage::PendingLimit limit) override {
    return real_.pendingRemote(domain, now, afterId, limit);
  }
  Result<std::vector<storage::OfflineMessage>> expiredRemote(std::int64_t now,
                                                             std::size_t limit) override {
    return real_.expiredRemote(now, limit);
  }

 private:
  storage::OfflineStore& real_;
  mutable std::mutex mutex_;
  mutable std::condition_variable attempted_;
  std::optional<Status> failure_;
  std::vector<Clock::time_point> attempts_;
};

const Status kDiskFull{StatusCode::Unavailable, "sqlite: database or disk is full"};
constexpr std::size_t kBacklogBytes = 64 * 1024;

class JournalFaultTest : public storage::testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    ASSERT_TRUE(createAccounts({"alice"}));
    store_ = std::make_unique<FailingOfflineStore>(storage().offline());
    journal_ =
        std::make_unique<Journal>(*store_,
                                  Journal::Settings{std::chrono::hours(1), true, kBacklogBytes,
                                                    "example.org", remoteExpiryOf},
                                  0);
  }
  void TearDown() override { journal_.reset(); }

  std::vector<storage::OfflineMessage> stored() {
    auto pending = storage().offline().pending("alice", "example.org", 0, 0, {100000, 0});
    EXPECT_TRUE(pending);
    return *pending;
  }

  // A future that becomes ready once everything recorded so far is durable.
  std::shared_future<void> durable() {
    auto promise = std::make_shared<std::promise<void>>();
    journal_->whenDurable([promise] { promise->set_value(); });
    return promise->get_future().share();
  }

  static bool isReady(const std::shared_future<void>& future) {
    return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }

  std::unique_ptr<FailingOfflineStore> store_;
  std::unique_ptr<Journal> journal_;
};

TEST_F(JournalFaultTest, TransientFailureHoldsDurabilityKeepsEverythingAndRecoversByItself) {
  store_->failWith(kDiskFull);
  std::vector<api::JournalId> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(journal_->record(chat("m"), kAlice, 0));
  const auto allDurable = durable();
  journal_->settle({&ids[0], 1});  // one recipient acknowledges meanwhile
  store_->waitForAttempts(4);      // three of them certainly counted by now
  EXPECT_FALSE(isReady(allDurable)) << "a sender would be acknowledged for nothing durable";
  auto counters = journal_->counters();
  EXPECT_GE(counters.failedCommits, 3u);
  ASSERT_TRUE(counters.lastFailure.has_value());
  EXPECT_EQ(counters.lastFailure->code, StatusCode::Unavailable);
  EXPECT_TRUE(counters.failingSince.has_value());
  EXPECT_GE(counters.backlogMessages, 9u);

  store_->failWith(std::nullopt);  // the operator freed space
  allDurable.wait();
  const auto messages = stored();
  ASSERT_EQ(messages.size(), 9u);
  EXPECT_EQ(messages.front().id, ids[1]);
  EXPECT_EQ(messages.back().id, ids[9]);
  counters = journal_->counters();
  EXPECT_FALSE(counters.lastFailure.has_value());
  EXPECT_FALSE(counters.failingSince.has_value());
  EXPECT_EQ(counters.backlogMessages, 0u);
  EXPECT_EQ(counters.backlogBytes, 0u);
}

TEST_F(JournalFaultTest, TransientFailuresAreRetriedWithGrowingPauses) {
  store_->failWith(kDiskFull);
  journal_->record(chat("m"), kAlice, 0);
  const auto allDurable = durable();  // someone waits: without back-off the writer would spin
  store_->waitForAttempts(4);
  const auto attempts = store_->attempts();
  EXPECT_GE(attempts[1] - attempts[0], std::chrono::milliseconds(100));
  EXPECT_GE(attempts[2] - attempts[1], std::chrono::milliseconds(200));
  EXPECT_GE(attempts[3] - attempts[2], std::chrono::milliseconds(400));
  store_->failWith(std::nullopt);
  allDurable.wait();
  EXPECT_EQ(stored().size(), 1u);
}

TEST_F(JournalFaultTest, PermanentFailureDoesNotSpinAndKeepsTheRecords) {
  store_->failWith(Status{StatusCode::DataLoss, "sqlite: database disk image is malformed"});
  journal_->record(chat("m"), kAlice, 0);
  const auto allDurable = durable();
  store_->waitForAttempts(1);
  // The next attempt is due only after StorageFaults::kPermanentPause (30 s).
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(store_->attempts().size(), 1u);
  EXPECT_FALSE(isReady(allDurable));
  store_->failWith(std::nullopt);
  journal_->stop();  // cuts the pause short: the records are written
  EXPECT_TRUE(isReady(allDurable));
  EXPECT_EQ(stored().size(), 1u);
}

TEST_F(JournalFaultTest, AFullBacklogStopsAcceptingUntilStorageCatchesUp) {
  store_->failWith(kDiskFull);
  const std::string body(4096, 'x');
  std::size_t recorded = 0;
  while (journal_->isAccepting() && recorded < 100) {
    ASSERT_NE(journal_->record(chat(body), kAlice, 0), 0);
    ++recorded;
  }
  EXPECT_FALSE(journal_->isAccepting());
  EXPECT_GE(recorded, kBacklogBytes / (body.size() + 300));
  EXPECT_LE(recorded, kBacklogBytes / body.size() + 1);
  auto counters = journal_->counters();
  EXPECT_FALSE(counters.accepting);
  EXPECT_EQ(counters.backpressureEpisodes, 1u);
  EXPECT_GE(counters.backlogBytes, kBacklogBytes);

  auto accepting = std::make_shared<std::promise<void>>();
  journal_->whenAccepting([accepting] { accepting->set_value(); });
  auto acceptingAgain = accepting->get_future();
  // What a stream read before it stopped is still taken, never refused.
  ASSERT_NE(journal_->record(chat(body), kAlice, 0), 0);
  ++recorded;
  store_->waitForAttempts(2);
  EXPECT_EQ(acceptingAgain.wait_for(std::chrono::seconds(0)), std::future_status::timeout);

  store_->failWith(std::nullopt);
  acceptingAgain.wait();
  EXPECT_TRUE(journal_->isAccepting());
  durable().wait();
  EXPECT_EQ(stored().size(), recorded);
}

TEST_F(JournalFaultTest, StopGivesUpOnFailingStorageInsteadOfHanging) {
  store_->failWith(kDiskFull);
  journal_->record(chat("m"), kAlice, 0);
  journal_->stop();
  EXPECT_GE(store_->attempts().size(), 3u);
  EXPECT_TRUE(stored().empty());
}

TEST_F(JournalFaultTest, WhenSettledTellsWhetherEveryMessageOfAWindowWasAcknowledged) {
  for (int i = 0; i < 3; ++i) {
    std::promise<AppendOutcome> outcome;
    journal_->store(kAlice, "bob@example.org", chat("m"), {},
                    [&outcome](AppendOutcome result) { outcome.set_value(result); });
    ASSERT_EQ(outcome.get_future().get(), AppendOutcome::Stored);
  }
  auto claimed = journal_->claimStored(
      [this]() -> Result<std::vector<storage::OfflineMessage>> { return stored(); });
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->size(), 3u);
  std::vector<api::JournalId> ids;
  for (const auto& message : *claimed) ids.push_back(message.id);

  std::optional<bool> result;
  journal_->whenSettled(ids, [&result](bool all) { result = all; });
  journal_->settle({&ids[0], 2});
  EXPECT_FALSE(result.has_value());
  journal_->release({&ids[2], 1});  // its session ended
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(*result);

  // Nothing held: at once, and all acknowledged.
  std::optional<bool> none;
  journal_->whenSettled({}, [&none](bool all) { none = all; });
  EXPECT_EQ(none, std::optional<bool>(true));

  claimed = journal_->claimStored(
      [this]() -> Result<std::vector<storage::OfflineMessage>> { return stored(); });
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->size(), 1u);  // the released one
  std::optional<bool> again;
  journal_->whenSettled({claimed->front().id}, [&again](bool all) { again = all; });
  journal_->settle({&claimed->front().id, 1});
  EXPECT_EQ(again, std::optional<bool>(true));
}

TEST_F(JournalFaultTest, StoreRefusesASenderOverItsShare) {
  auto storeFrom = [this](const std::string& sender) {
    std::promise<AppendOutcome> outcome;
    journal_->store(kAlice, sender, chat("m"), {10, 2},
                    [&outcome](AppendOutcome result) { outcome.set_value(result); });
    return outcome.get_future().get();
  };
  EXPECT_EQ(storeFrom("mallory@example.org"), AppendOutcome::Stored);
  EXPECT_EQ(storeFrom("mallory@example.org"), AppendOutcome::Stored);
  EXPECT_EQ(storeFrom("mallory@example.org"), AppendOutcome::SenderQuotaExceeded);
  EXPECT_EQ(storeFrom("carol@example.org"), AppendOutcome::Stored);
}

}  // namespace
}  // namespace kontalk::modules::offline
