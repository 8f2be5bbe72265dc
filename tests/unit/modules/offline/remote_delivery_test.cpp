#include "modules/offline/remote_delivery.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/fake_module_host.hpp"
#include "base/unix_time.hpp"

namespace kontalk::modules::offline {
namespace {

std::string queuedChat(int number) {
  return "<message xmlns='jabber:client' from='alice@example.org/phone' to='bob@b.test' "
         "type='chat' id='m" +
         std::to_string(number) + "'><body>m" + std::to_string(number) + "</body></message>";
}

// The remote queue's delivery on the fake host: storage is the host's real SQLite file; the
// blocking work tick() asks for runs when the test calls tick(), settle() or release() below.
class RemoteDeliveryTest : public ::testing::Test {
 protected:
  void TearDown() override {
    delivery_.reset();
    journal_.reset();
  }

  // Queues `stanzas` for b.test as an earlier run of the server would have (expiring at
  // `expiresAt`), then starts the journal and the delivery on them.
  void startWith(const std::vector<std::string>& stanzas, std::int64_t expiresAt = 4'000'000'000) {
    std::vector<storage::JournalAppend> appends;
    std::int64_t id = 0;
    for (const auto& stanza : stanzas) {
      storage::JournalAppend append{"bob",
                                    "b.test",
                                    "alice@example.org",
                                    storage::OfflineMessage{++id, stanza, 1000, expiresAt},
                                    0,
                                    0};
      append.remote = true;
      appends.push_back(std::move(append));
    }
    ASSERT_TRUE(host_.database().offline().commit(appends, {}));
    journal_ = std::make_unique<Journal>(
        host_.database().offline(),
        Journal::Settings{std::chrono::hours(1), true, std::size_t{32} << 20, "example.org",
                          [](std::string_view) { return std::chrono::hours(1); }},
        id);
    delivery_ = std::make_unique<RemoteDelivery>(
        host_, *journal_, RemoteDelivery::Settings{},
        [this](const xmpp::Jid& account) {
          std::lock_guard lock(storedMutex_);
          storedOffline_.push_back(account.toString());
        },
        [this](std::string_view domain) { return domain == hopelessDomain_; });
  }

  void tick() {
    delivery_->tick();
    host_.runPendingWork();
  }
  void settle(const std::vector<api::JournalId>& ids) {
    journal_->settle(ids);
    host_.runPendingWork();
  }
  void release(const std::vector<api::JournalId>& ids) {
    journal_->release(ids);
    host_.runPendingWork();
  }
  std::vector<api::JournalId> takeSentIds() {
    std::vector<api::JournalId> ids;
    for (const auto& recorded : host_.takeRecorded()) ids.push_back(recorded.id);
    return ids;
  }
  std::vector<std::int64_t> queuedIds() {
    auto pending = host_.database().offline().pendingRemote("b.test", 0, 0, {1000, 0});
    EXPECT_TRUE(pending);
    std::vector<std::int64_t> ids;
    for (const auto& message : *pending) ids.push_back(message.id);
    return ids;
  }
  void waitUntilWritten() {
    for (int attempt = 0; attempt < 500 && journal_->counters().backlogMessages > 0; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(journal_->counters().backlogMessages, 0u);
  }

  api::testing::FakeModuleHost host_{"example.org", "offline"};
  std::mutex storedMutex_;  // the journal's writer thread reports stored bounces
  std::vector<std::string> storedOffline_;
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<RemoteDelivery> delivery_;
  std::string hopelessDomain_;  // the domain the test's DNS "says" does not exist
};

// What a restart left queued is sent again, in order, addressed as it was, with the time it was
// first sent (XEP-0203), and leaves the queue once the peer acknowledged it.
TEST_F(RemoteDeliveryTest, QueuedMessagesAreSentAgainAndLeaveWhenAcknowledged) {
  startWith({queuedChat(1), queuedChat(2)});
  tick();
  auto sent = host_.takeRecorded();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].id, 1);
  EXPECT_EQ(sent[1].id, 2);
  EXPECT_EQ(sent[0].message.attribute("to"), "bob@b.test");
  EXPECT_EQ(sent[0].message.attribute("id"), "m1");
  const auto* delay = sent[0].message.child("delay", "urn:xmpp:delay");
  ASSERT_NE(delay, nullptr);
  EXPECT_EQ(delay->attribute("stamp"), "1970-01-01T00:16:40.000Z");

  // While the link holds them, another tick sends nothing twice.
  tick();
  EXPECT_TRUE(takeSentIds().empty());
  settle({1, 2});
  waitUntilWritten();
  EXPECT_TRUE(queuedIds().empty());
  tick();
  EXPECT_TRUE(takeSentIds().empty());
}

// A link that fails hands its messages back: they are sent again after a back-off, not in a
// tight loop, and nothing is dropped.
TEST_F(RemoteDeliveryTest, HandedBackMessagesAreRetriedAfterABackOff) {
  startWith({queuedChat(1)});
  tick();
  EXPECT_EQ(takeSentIds(), std::vector<api::JournalId>{1});
  release({1});
  tick();  // within the first second of back-off
  EXPECT_TRUE(takeSentIds().empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  tick();
  EXPECT_EQ(takeSentIds(), std::vector<api::JournalId>{1});
  EXPECT_EQ(queuedIds(), std::vector<std::int64_t>{1});
}

// Spec §7.9: what the peer did not take in time goes back to its sender: same id, from/to
// swapped, the body kept, remote-server-timeout type wait; and it leaves the queue.
TEST_F(RemoteDeliveryTest, ExpiredMessagesBounceToTheirSenders) {
  host_.addSession(std::make_shared<api::testing::FakeSession>("alice@example.org/phone"));
  startWith({queuedChat(1)}, base::unixNow() - 1);
  tick();
  EXPECT_TRUE(takeSentIds().empty());
  auto bounced = host_.takeSent();
  ASSERT_EQ(bounced.size(), 1u);
  const auto& error = bounced[0];
  EXPECT_EQ(error.attribute("type"), "error");
  EXPECT_EQ(error.attribute("id"), "m1");
  EXPECT_EQ(error.attribute("from"), "bob@b.test");
  EXPECT_EQ(error.attribute("to"), "alice@example.org/phone");
  ASSERT_NE(error.child("body", "jabber:client"), nullptr);
  const auto* condition = error.child("error", "jabber:client");
  ASSERT_NE(condition, nullptr);
  EXPECT_EQ(condition->attribute("type"), "wait");
  EXPECT_NE(condition->child("remote-server-timeout", "urn:ietf:params:xml:ns:xmpp-stanzas"),
            nullptr);
  waitUntilWritten();
  auto expired = host_.database().offline().expiredRemote(base::unixNow(), 10);
  ASSERT_TRUE(expired);
  EXPECT_TRUE(expired->empty());
}

// Spec §7.9: a domain that does not exist is not waited for. The first attempt's failure (the
// window comes back) sends everything queued for it back at once, remote-server-not-found type
// cancel, and the queue is empty: no retry, no back-off.
TEST_F(RemoteDeliveryTest, MessagesForADomainThatDoesNotExistBounceAtOnce) {
  host_.addSession(std::make_shared<api::testing::FakeSession>("alice@example.org/phone"));
  startWith({queuedChat(1), queuedChat(2)});
  tick();
  EXPECT_EQ(takeSentIds(), (std::vector<api::JournalId>{1, 2}));
  hopelessDomain_ = "b.test";
  release({1, 2});
  auto bounced = host_.takeSent();
  ASSERT_EQ(bounced.size(), 2u);
  for (const auto& error : bounced) {
    EXPECT_EQ(error.attribute("type"), "error");
    EXPECT_EQ(error.attribute("to"), "alice@example.org/phone");
    const auto* condition = error.child("error", "jabber:client");
    ASSERT_NE(condition, nullptr);
    EXPECT_EQ(condition->attribute("type"), "cancel");
    EXPECT_NE(condition->child("remote-server-not-found", "urn:ietf:params:xml:ns:xmpp-stanzas"),
              nullptr);
  }
  EXPECT_EQ(bounced[0].attribute("id"), "m1");
  EXPECT_EQ(bounced[1].attribute("id"), "m2");
  waitUntilWritten();
  EXPECT_TRUE(queuedIds().empty());
}

// A domain that exists but is down keeps its messages (the test before: they come back after
// the back-off).
TEST_F(RemoteDeliveryTest, MessagesForADomainThatIsDownAreNotBounced) {
  startWith({queuedChat(1)});
  tick();
  takeSentIds();
  hopelessDomain_ = "c.test";
  release({1});
  EXPECT_TRUE(host_.takeSent().empty());
  EXPECT_EQ(queuedIds(), std::vector<std::int64_t>{1});
}

// The sender's resource is gone: the bounce goes to the account (the router would drop an
// error for a gone resource), still with everything that says which message failed.
TEST_F(RemoteDeliveryTest, ABounceForAGoneResourceGoesToTheAccountsAvailableResource) {
  host_.addSession(std::make_shared<api::testing::FakeSession>("alice@example.org/tablet"));
  startWith({queuedChat(1)}, base::unixNow() - 1);
  tick();
  auto bounced = host_.takeSent();
  ASSERT_EQ(bounced.size(), 1u);
  EXPECT_EQ(bounced[0].attribute("to"), "alice@example.org");
  EXPECT_EQ(bounced[0].attribute("id"), "m1");
  EXPECT_EQ(bounced[0].attribute("type"), "error");
}

// Spec §7.9: with no resource available, the bounce is stored offline (an exception to §8.2,
// which stores no errors), so that the client learns at its next login that the message failed.
TEST_F(RemoteDeliveryTest, ABounceForASenderWithoutAvailableResourceIsStoredOffline) {
  ASSERT_TRUE(
      host_.database().accounts().create(storage::Account{"alice", "example.org", {}, {}, 1}));
  // Another resource is bound but not available (the sender's own would get the error).
  host_.addSession(std::make_shared<api::testing::FakeSession>("alice@example.org/tablet", false));
  startWith({queuedChat(1)}, base::unixNow() - 1);
  tick();
  EXPECT_TRUE(host_.takeSent().empty());
  waitUntilWritten();
  auto stored = host_.database().offline().pending("alice", "example.org", 0, 0, {100, 0});
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_NE((*stored)[0].stanza.find("type='error'"), std::string::npos) << (*stored)[0].stanza;
  EXPECT_NE((*stored)[0].stanza.find("remote-server-timeout"), std::string::npos);
  EXPECT_NE((*stored)[0].stanza.find("id='m1'"), std::string::npos);
  std::lock_guard lock(storedMutex_);
  EXPECT_EQ(storedOffline_, std::vector<std::string>{"alice@example.org"});
}

}  // namespace
}  // namespace kontalk::modules::offline
