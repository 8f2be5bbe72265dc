#include "modules/offline/offline_delivery.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "api/fake_module_host.hpp"

namespace kontalk::modules::offline {
namespace {

const xmpp::Jid kAlicePhone = *xmpp::Jid::parse("alice@example.org/phone");

std::string storedChat(int number, std::size_t padding = 0) {
  return "<message xmlns='jabber:client' from='bob@example.org/phone' to='alice@example.org' "
         "type='chat'><body>m" +
         std::to_string(number) + std::string(padding, ' ') + "</body></message>";
}

// Offline delivery on the shared fake host: its storage is the host's real SQLite file, and the
// work it asks for runs when the test calls request() or settle() below (the journal calls back
// on the thread that settles, here the test's).
class OfflineDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        host_.database().accounts().create(storage::Account{"alice", "example.org", {}, {}, 1}));
  }
  void TearDown() override {
    delivery_.reset();
    journal_.reset();
  }

  // Stores `stanzas` for alice as earlier runs of the server would have, then starts the journal
  // and the delivery on them.
  void startWith(const std::vector<std::string>& stanzas, std::size_t windowBytes = 1 << 20) {
    std::vector<storage::JournalAppend> appends;
    std::int64_t id = 0;
    for (const auto& stanza : stanzas) {
      appends.push_back({"alice", "example.org", "bob@example.org",
                         storage::OfflineMessage{++id, stanza, 1000, 4'000'000'000}, 0, 0});
    }
    ASSERT_TRUE(host_.database().offline().commit(appends, {}));
    journal_ = std::make_unique<Journal>(
        host_.database().offline(),
        Journal::Settings{std::chrono::hours(1), true, std::size_t{32} << 20, "example.org",
                          [](std::string_view) { return std::chrono::hours(1); }},
        id);
    delivery_ =
        std::make_unique<OfflineDelivery>(host_, *journal_, OfflineDelivery::Settings{windowBytes});
  }

  // A session's presence asks for delivery; the blocking work it causes runs to its end.
  void request(const xmpp::Jid& target) {
    delivery_->request(target);
    host_.runPendingWork();
  }
  // The session acknowledges (or hands back) messages; the work that causes runs to its end.
  void settle(std::span<const api::JournalId> ids) {
    journal_->settle(ids);
    host_.runPendingWork();
  }
  void release(std::span<const api::JournalId> ids) {
    journal_->release(ids);
    host_.runPendingWork();
  }
  // The messages sent to sessions since the last call, with their journal ids.
  std::vector<api::testing::FakeModuleHost::Recorded> takeSent() {
    EXPECT_EQ(host_.pendingWork(), 0u);
    return host_.takeRecorded();
  }

  std::vector<std::int64_t> storedIds() {
    auto pending = host_.database().offline().pending("alice", "example.org", 0, 0, {1000, 0});
    EXPECT_TRUE(pending);
    std::vector<std::int64_t> ids;
    for (const auto& message : *pending) ids.push_back(message.id);
    return ids;
  }

  // Everything recorded or settled so far is written: the journal writes acknowledgements
  // (removals) lazily, within 50 ms, and nobody waits for them.
  void waitUntilWritten() {
    for (int attempt = 0; attempt < 500 && journal_->counters().backlogMessages > 0; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(journal_->counters().backlogMessages, 0u);
  }

  api::testing::FakeModuleHost host_{"example.org", "offline"};
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<OfflineDelivery> delivery_;
};

TEST_F(OfflineDeliveryTest, UnreadableStoredMessageIsKeptAndReportedNotDropped) {
  startWith({storedChat(1), "<message xmlns='jabber:client'><body>cut off", storedChat(3)});
  request(kAlicePhone);
  auto sent = takeSent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].id, 1);
  EXPECT_EQ(sent[1].id, 3);
  EXPECT_EQ(sent[1].message.attribute("to"), "alice@example.org/phone");
  EXPECT_EQ(delivery_->unreadableMessages(), 1u);

  const std::vector<api::JournalId> acknowledged{1, 3};
  settle(acknowledged);
  waitUntilWritten();
  EXPECT_EQ(storedIds(), std::vector<std::int64_t>{2}) << "the unreadable message must stay";

  // Reported once: a later run of this process does not send or count it again.
  request(kAlicePhone);
  EXPECT_TRUE(takeSent().empty());
  EXPECT_EQ(delivery_->unreadableMessages(), 1u);
}

TEST_F(OfflineDeliveryTest, SendsWindowsPacedByTheSessionTakingThem) {
  // About 6 KiB each: a 16 KiB window holds three (the one crossing the limit goes along).
  std::vector<std::string> stanzas;
  for (int i = 1; i <= 10; ++i) stanzas.push_back(storedChat(i, 6000));
  startWith(stanzas, 16 * 1024);
  request(kAlicePhone);

  std::vector<api::JournalId> delivered;
  std::vector<std::size_t> windows;
  for (int round = 0; round < 10; ++round) {
    const auto sent = takeSent();
    if (sent.empty()) break;
    windows.push_back(sent.size());
    std::vector<api::JournalId> ids;
    for (const auto& message : sent) ids.push_back(message.id);
    delivered.insert(delivered.end(), ids.begin(), ids.end());
    // Nothing more until the session took this window.
    EXPECT_TRUE(takeSent().empty());
    settle(ids);
  }
  EXPECT_EQ(windows, (std::vector<std::size_t>{3, 3, 3, 1}));
  EXPECT_EQ(delivered, (std::vector<api::JournalId>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  waitUntilWritten();
  EXPECT_TRUE(storedIds().empty());
}

TEST_F(OfflineDeliveryTest, AWindowHandedBackEndsTheRunAndTheNextSessionGetsTheRest) {
  std::vector<std::string> stanzas;
  for (int i = 1; i <= 4; ++i) stanzas.push_back(storedChat(i, 6000));
  startWith(stanzas, 16 * 1024);
  request(kAlicePhone);
  auto sent = takeSent();
  ASSERT_EQ(sent.size(), 3u);
  const std::vector<api::JournalId> acknowledged{1, 2};
  settle(acknowledged);
  const api::JournalId handedBack = 3;
  release({&handedBack, 1});  // the session ended before it acknowledged message 3
  EXPECT_TRUE(takeSent().empty()) << "no session to send the next window to";

  request(*xmpp::Jid::parse("alice@example.org/laptop"));
  sent = takeSent();
  // The window read 1 to 3 again (their removal is not written yet); only 3 is left to send.
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, 3);
  EXPECT_EQ(sent[0].message.attribute("to"), "alice@example.org/laptop");
  settle({&sent[0].id, 1});
  sent = takeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, 4);
}

}  // namespace
}  // namespace kontalk::modules::offline
