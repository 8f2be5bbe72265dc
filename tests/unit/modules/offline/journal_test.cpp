#include "modules/offline/journal.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

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
        storage().offline(), Journal::Settings{std::chrono::hours(1), durable}, *highest);
  }

  std::vector<storage::OfflineMessage> stored() {
    auto pending = storage().offline().pending("alice", "example.org", 0, 0, 100000);
    EXPECT_TRUE(pending);
    return *pending;
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
    journal_->store(account, message, maxMessages,
                    [&outcome](AppendOutcome result) { outcome.set_value(result); });
    return outcome.get_future().get();
  }

  std::unique_ptr<Journal> journal_;
};

TEST_F(JournalTest, RecordedMessageIsStoredWhenDurable) {
  const auto id = journal_->record(chat("hi"), kAlice, 0);
  ASSERT_NE(id, 0);
  journal_->waitDurable();
  const auto messages = stored();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].id, id);
  EXPECT_NE(messages[0].stanza.find("<body>hi</body>"), std::string::npos);
}

TEST_F(JournalTest, SettledRecordsLeaveStorage) {
  const auto first = journal_->record(chat("one"), kAlice, 0);
  journal_->waitDurable();
  const auto second = journal_->record(chat("two"), kAlice, 0);
  // Settled before or after the commit: neither stays.
  journal_->settle(std::vector<api::JournalId>{first, second});
  journal_->record(chat("three"), kAlice, 0);  // its commit carries the removals too
  journal_->waitDurable();
  const auto messages = stored();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].stanza.find("three"), std::string::npos);
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
  journal_->waitDurable();

  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_NE(claimed[0].stanza.find("offline"), std::string::npos);
  EXPECT_TRUE(claim().empty());  // both are held now

  journal_->release(live);
  claimed = claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, live);
}

TEST_F(JournalTest, MessageAcknowledgedDuringAReadIsNotClaimed) {
  const auto id = journal_->record(chat("live"), kAlice, 0);
  journal_->waitDurable();
  auto claimed = journal_->claimStored([&] {
    auto rows = storage().offline().pending("alice", "example.org", 0, 0, 10);
    // The session acknowledges it and the removal is written while the read's rows are stale.
    journal_->settle({&id, 1});
    journal_->record(chat("later"), kAlice, 0);
    journal_->waitDurable();
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
  journal_->waitDurable();
  EXPECT_EQ(static_cast<int>(stored().size()), kept.load() + 1);
}

}  // namespace
}  // namespace kontalk::modules::offline
