#include "modules/offline/offline_delivery.hpp"

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fake_module_host.hpp"
#include "storage/migrated_storage.hpp"

namespace kontalk::modules::offline {
namespace {

const xmpp::Jid kAlicePhone = *xmpp::Jid::parse("alice@example.org/phone");

std::string storedChat(int number, std::size_t padding = 0) {
  return "<message xmlns='jabber:client' from='bob@example.org/phone' to='alice@example.org' "
         "type='chat'><body>m" +
         std::to_string(number) + std::string(padding, ' ') + "</body></message>";
}

class OfflineDeliveryTest : public storage::testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    ASSERT_TRUE(createAccounts({"alice"}));
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
    ASSERT_TRUE(storage().offline().commit(appends, {}));
    host_ = std::make_unique<testing::FakeModuleHost>(storage());
    journal_ = std::make_unique<Journal>(storage().offline(),
                                         Journal::Settings{std::chrono::hours(1)}, id);
    delivery_ = std::make_unique<OfflineDelivery>(*host_, *journal_,
                                                  OfflineDelivery::Settings{windowBytes});
  }

  std::vector<std::int64_t> storedIds() {
    auto pending = storage().offline().pending("alice", "example.org", 0, 0, {1000, 0});
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

  std::unique_ptr<testing::FakeModuleHost> host_;
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<OfflineDelivery> delivery_;
};

TEST_F(OfflineDeliveryTest, UnreadableStoredMessageIsKeptAndReportedNotDropped) {
  startWith({storedChat(1), "<message xmlns='jabber:client'><body>cut off", storedChat(3)});
  delivery_->request(kAlicePhone);
  auto sent = host_->takeSent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].id, 1);
  EXPECT_EQ(sent[1].id, 3);
  EXPECT_EQ(sent[1].stanza.attribute("to"), "alice@example.org/phone");
  EXPECT_EQ(delivery_->unreadableMessages(), 1u);

  const std::vector<api::JournalId> acknowledged{1, 3};
  journal_->settle(acknowledged);
  waitUntilWritten();
  EXPECT_EQ(storedIds(), std::vector<std::int64_t>{2}) << "the unreadable message must stay";

  // Reported once: a later run of this process does not send or count it again.
  delivery_->request(kAlicePhone);
  EXPECT_TRUE(host_->takeSent().empty());
  EXPECT_EQ(delivery_->unreadableMessages(), 1u);
}

TEST_F(OfflineDeliveryTest, SendsWindowsPacedByTheSessionTakingThem) {
  // About 6 KiB each: a 16 KiB window holds three (the one crossing the limit goes along).
  std::vector<std::string> stanzas;
  for (int i = 1; i <= 10; ++i) stanzas.push_back(storedChat(i, 6000));
  startWith(stanzas, 16 * 1024);
  delivery_->request(kAlicePhone);

  std::vector<api::JournalId> delivered;
  std::vector<std::size_t> windows;
  for (int round = 0; round < 10; ++round) {
    const auto sent = host_->takeSent();
    if (sent.empty()) break;
    windows.push_back(sent.size());
    std::vector<api::JournalId> ids;
    for (const auto& message : sent) ids.push_back(message.id);
    delivered.insert(delivered.end(), ids.begin(), ids.end());
    // Nothing more until the session took this window.
    EXPECT_TRUE(host_->takeSent().empty());
    journal_->settle(ids);
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
  delivery_->request(kAlicePhone);
  auto sent = host_->takeSent();
  ASSERT_EQ(sent.size(), 3u);
  const std::vector<api::JournalId> acknowledged{1, 2};
  journal_->settle(acknowledged);
  const api::JournalId handedBack = 3;
  journal_->release({&handedBack, 1});  // the session ended before it acknowledged message 3
  EXPECT_TRUE(host_->takeSent().empty()) << "no session to send the next window to";

  delivery_->request(*xmpp::Jid::parse("alice@example.org/laptop"));
  sent = host_->takeSent();
  // The window read 1 to 3 again (their removal is not written yet); only 3 is left to send.
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, 3);
  EXPECT_EQ(sent[0].stanza.attribute("to"), "alice@example.org/laptop");
  journal_->settle({&sent[0].id, 1});
  sent = host_->takeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, 4);
}

}  // namespace
}  // namespace kontalk::modules::offline
