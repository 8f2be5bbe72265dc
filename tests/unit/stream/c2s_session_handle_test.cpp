// The session handle (src/stream/c2s_session_handle.cpp): a bound c2s session as the router sees
// it, detached and resumable per XEP-0198 §5, moving between shards when a resumption claims it.
// Shards are real io_contexts run by the test thread; the router and the session directory are
// real; the account's other resource and the sender are sessions that record what they get. No
// connection is involved: the sessions here are detached or claimed, never attached to a stream.

#include "stream/c2s_session_handle.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/worker_pool.hpp"
#include "storage/account_store.hpp"
#include "xml/element_text.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/test_stanzas.hpp"

namespace kontalk::stream {
namespace {

using api::JournalId;

using xmpp::testing::parseJid;
using xmpp::testing::stanza;

xml::Element chat(std::string_view body) {
  return stanza(
      "<message from='bob@example.org/pc' to='alice@example.org/phone' type='chat'><body>" +
      std::string(body) + "</body></message>");
}

// Another resource of the account, or the sender: records what the router hands it.
class RecordingSession final : public router::LocalSession {
 public:
  struct Delivery {
    xml::Element stanza;
    JournalId journalId;
  };
  explicit RecordingSession(std::string_view fullJid) : LocalSession(parseJid(fullJid), {}) {
    setPresence(true, 0);
  }
  void deliver(xml::Element delivered, JournalId journalId) override {
    deliveries.push_back({std::move(delivered), journalId});
  }
  void terminate(xmpp::StreamError) override {}

  // The messages it got (not the presences), their bodies and journal records.
  std::vector<std::string> bodies() const {
    std::vector<std::string> bodies;
    for (const auto& delivery : deliveries) {
      if (delivery.stanza.name() == "message") {
        bodies.emplace_back(delivery.stanza.childText("body", ns::kClient));
      }
    }
    return bodies;
  }
  std::vector<JournalId> journalIds() const {
    std::vector<JournalId> ids;
    for (const auto& delivery : deliveries) {
      if (delivery.stanza.name() == "message") ids.push_back(delivery.journalId);
    }
    return ids;
  }

  std::vector<Delivery> deliveries;
};

// The delivery journal as the router uses it: a message handed on keeps the record it has.
class RecordingJournal final : public api::DeliveryJournal {
 public:
  JournalId record(const xml::Element&, const xmpp::Jid&, JournalId existing) override {
    existingRecords.push_back(existing);
    return existing != 0 ? existing : ++lastId;
  }
  void settle(std::span<const JournalId>) override {}
  void whenDurable(std::function<void()> done) override { done(); }
  void release(std::span<const JournalId>) override {}
  bool isAccepting() const override { return true; }
  void whenAccepting(std::function<void()> ready) override { ready(); }

  std::vector<JournalId> existingRecords;
  JournalId lastId = 100;
};

// C2sServices needs an account store for SASL; nothing here logs in.
class NoAccounts final : public storage::AccountStore {
 public:
  Result<void> create(const storage::Account&) override { return unused(); }
  Result<std::optional<storage::Account>> find(const std::string&, const std::string&) override {
    return unused();
  }
  Result<void> setCredentials(const storage::Account&) override { return unused(); }
  Result<void> remove(const std::string&, const std::string&) override { return unused(); }
  Result<void> replace(const storage::Account&, const storage::StoredKey&) override {
    return unused();
  }
  Result<std::vector<std::string>> list(const std::string&) override { return unused(); }

 private:
  static tl::unexpected<Status> unused() { return failure(StatusCode::Unsupported, "no logins"); }
};

class C2sSessionHandleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    extensions_.journal = &journal_;
    ASSERT_EQ(sessions_.bind(tablet_).outcome, router::SessionDirectory::BindOutcome::Bound);
    ASSERT_EQ(sessions_.bind(bob_).outcome, router::SessionDirectory::BindOutcome::Bound);
    phone_->setPresence(true, 0);
    ASSERT_EQ(sessions_.bind(phone_).outcome, router::SessionDirectory::BindOutcome::Bound);
    phone_->streamManagement().enable(true);
  }

  // Runs what is ready on `shard` (handlers it posts to itself too) on this thread.
  static void drain(asio::io_context& shard) {
    shard.restart();
    shard.poll();
  }
  // Runs `work` on `shard` and everything ready there.
  static void on(asio::io_context& shard, std::function<void()> work) {
    asio::post(shard, std::move(work));
    drain(shard);
  }
  // Runs `shard` until `done` holds (a wait of the session's may be involved), at most 10 s.
  static bool runUntil(asio::io_context& shard, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      shard.restart();
      shard.run_one_for(std::chrono::milliseconds(100));
    }
    return done();
  }

  // The phone's queue, read on the shard the session lives on.
  std::vector<JournalId> queuedJournalIds() {
    std::vector<JournalId> ids;
    on(phone_->shard(), [&] {
      for (const auto& outbound : phone_->streamManagement().unacknowledged()) {
        ids.push_back(outbound.journalId);
      }
    });
    return ids;
  }

  asio::io_context shardA_;
  asio::io_context shardB_;
  C2sSettings c2s_;
  LimitsSettings limits_;
  RecordingJournal journal_;
  router::ExtensionPoints extensions_;
  router::SessionDirectory sessions_{router::ResourceConflictPolicy::ReplaceOlder, 10};
  router::Router router_{parseJid("example.org"), sessions_, extensions_};
  NoAccounts accounts_;
  core::WorkerPool workers_{1};
  C2sServices services_{c2s_,
                        limits_,
                        nullptr,
                        router_,
                        sessions_,
                        extensions_,
                        SaslServices{accounts_, workers_, "example.org"}};
  std::shared_ptr<RecordingSession> tablet_ =
      std::make_shared<RecordingSession>("alice@example.org/tablet");
  std::shared_ptr<RecordingSession> bob_ = std::make_shared<RecordingSession>("bob@example.org/pc");
  std::shared_ptr<C2sSessionHandle> phone_ = std::make_shared<C2sSessionHandle>(
      parseJid("alice@example.org/phone"), api::ClientInfo{}, services_, shardA_);
};

// ---- detached sessions (XEP-0198 §5) -----------------------------------------------------------

// What reaches a detached session is kept for its resumption; when it ends instead, every kept
// message goes to the account's other resources in order with the journal record it had
// (ARCHITECTURE.md §6, RFC 6121 §8.5.3.2.1), an IQ request is answered with an error and the
// rest is dropped. The session leaves the directory and the resumption registry first.
TEST_F(C2sSessionHandleTest, EndHandsTheQueueOfADetachedSessionBackToTheRouterInOrder) {
  phone_->setResumptionId("resume-1");
  services_.resumptions.add("resume-1", phone_);
  on(shardA_, [&] { phone_->detach(std::chrono::seconds(300)); });
  // From another thread (this one, while no shard runs): posted to the session's shard.
  phone_->deliver(chat("one"), 7);
  phone_->deliver(
      stanza("<iq from='bob@example.org/pc' to='alice@example.org/phone' type='get' id='q1'>"
             "<query xmlns='urn:test'/></iq>"),
      0);
  phone_->deliver(stanza("<presence from='bob@example.org/pc' to='alice@example.org/phone'/>"), 0);
  phone_->deliver(chat("two"), 8);
  drain(shardA_);
  on(shardA_, [&] {
    // On its own shard a stanza is taken at once.
    phone_->deliver(chat("three"), 9);
    EXPECT_EQ(phone_->streamManagement().unacknowledged().size(), 5u);
  });
  EXPECT_EQ(queuedJournalIds(), (std::vector<JournalId>{7, 0, 0, 8, 9}));
  EXPECT_TRUE(tablet_->bodies().empty());
  EXPECT_FALSE(phone_->hasEnded());

  on(shardA_, [&] { phone_->end(); });
  EXPECT_TRUE(phone_->hasEnded());
  EXPECT_EQ(sessions_.find(parseJid("alice@example.org/phone")), nullptr);
  EXPECT_EQ(services_.resumptions.find("resume-1"), nullptr);
  EXPECT_EQ(tablet_->bodies(), (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(tablet_->journalIds(), (std::vector<JournalId>{7, 8, 9}));
  EXPECT_EQ(journal_.existingRecords, (std::vector<JournalId>{7, 8, 9}));
  for (const auto& delivery : tablet_->deliveries) {
    if (delivery.stanza.name() == "message") {
      EXPECT_EQ(delivery.stanza.attribute("to"), "alice@example.org");
    }
  }
  ASSERT_EQ(bob_->deliveries.size(), 1u);
  EXPECT_EQ(bob_->deliveries[0].stanza.attribute("type"), "error");
  EXPECT_EQ(bob_->deliveries[0].stanza.attribute("id"), "q1");
  // Ending stopped the resumption timeout: nothing is left waiting on the shard.
  drain(shardA_);
  EXPECT_TRUE(shardA_.stopped());

  // What reaches an ended session goes the same way.
  phone_->deliver(chat("four"), 10);
  drain(shardA_);
  EXPECT_EQ(tablet_->bodies().back(), "four");
  EXPECT_EQ(tablet_->journalIds().back(), 10);
}

// Without stream management there is nothing to resume: a stanza is handed back at once.
TEST_F(C2sSessionHandleTest, ASessionWithoutStreamManagementKeepsNothingWhileDetached) {
  // The phone (neither attached nor detached here) must not be chosen for the account.
  ASSERT_TRUE(sessions_.unbind(*phone_));
  auto laptop = std::make_shared<C2sSessionHandle>(parseJid("alice@example.org/laptop"),
                                                   api::ClientInfo{}, services_, shardA_);
  on(shardA_, [&] {
    laptop->detach(std::chrono::seconds(300));
    laptop->deliver(chat("one"), 7);
    EXPECT_TRUE(laptop->streamManagement().unacknowledged().empty());
    laptop->end();
  });
  EXPECT_EQ(tablet_->bodies(), std::vector<std::string>{"one"});
  EXPECT_EQ(tablet_->journalIds(), std::vector<JournalId>{7});
}

// The resumption timeout (XEP-0198 §5, [c2s] resumption_timeout): a detached session nobody
// resumes ends, handing back what it kept.
TEST_F(C2sSessionHandleTest, ADetachedSessionEndsWhenNoResumptionComesInTime) {
  const auto detachedAt = std::chrono::steady_clock::now();
  on(shardA_, [&] {
    phone_->detach(std::chrono::seconds(1));
    phone_->deliver(chat("kept"), 5);
  });
  EXPECT_FALSE(phone_->hasEnded());
  ASSERT_TRUE(runUntil(shardA_, [&] { return phone_->hasEnded(); }));
  std::printf("the detached session ended %.2f s after detach(1 s)\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - detachedAt).count());
  EXPECT_EQ(sessions_.find(parseJid("alice@example.org/phone")), nullptr);
  EXPECT_EQ(tablet_->bodies(), std::vector<std::string>{"kept"});
  EXPECT_EQ(tablet_->journalIds(), std::vector<JournalId>{5});
}

// A resumption that claims the session stops its timeout: it does not end while the resuming
// connection works, and the shard keeps no wait for it.
TEST_F(C2sSessionHandleTest, AClaimStopsTheResumptionTimeout) {
  on(shardA_, [&] { phone_->detach(std::chrono::seconds(1)); });
  std::uint64_t claim = 0;
  on(shardA_, [&] { claim = phone_->claimForResumption(shardA_); });
  EXPECT_NE(claim, 0u);
  drain(shardA_);
  EXPECT_TRUE(shardA_.stopped());
  EXPECT_FALSE(phone_->hasEnded());
}

// terminate() (a newer login replaced the resource) of a session waiting for its resumption
// ends it: nothing is left to resume.
TEST_F(C2sSessionHandleTest, TerminatingADetachedSessionEndsIt) {
  on(shardA_, [&] {
    phone_->detach(std::chrono::seconds(300));
    phone_->deliver(chat("kept"), 5);
  });
  phone_->terminate({xmpp::StreamErrorCondition::Conflict, "Replaced."});
  drain(shardA_);
  EXPECT_TRUE(phone_->hasEnded());
  EXPECT_EQ(tablet_->journalIds(), std::vector<JournalId>{5});
}

// [c2s] max_unacknowledged: a detached session that queued more than that ends, handing
// everything back.
TEST_F(C2sSessionHandleTest, ADetachedSessionQueueingTooManyStanzasEnds) {
  c2s_.maxUnacknowledged = 2;
  on(shardA_, [&] {
    phone_->detach(std::chrono::seconds(300));
    phone_->deliver(chat("one"), 1);
    phone_->deliver(chat("two"), 2);
    EXPECT_FALSE(phone_->hasEnded());
    phone_->deliver(chat("three"), 3);
  });
  EXPECT_TRUE(phone_->hasEnded());
  EXPECT_EQ(tablet_->bodies(), (std::vector<std::string>{"one", "two", "three"}));
}

// [limits] max_unacknowledged_bytes bounds what a detached session keeps too: a client that
// vanished must not make the server hold max_unacknowledged large stanzas.
TEST_F(C2sSessionHandleTest, ADetachedSessionQueueingTooManyBytesEnds) {
  limits_.maxUnacknowledgedBytes = 1200;
  const std::string large(400, 'x');
  on(shardA_, [&] {
    phone_->detach(std::chrono::seconds(300));
    phone_->deliver(chat(large), 1);
    phone_->deliver(chat(large), 2);
    EXPECT_FALSE(phone_->hasEnded());
    EXPECT_GT(phone_->streamManagement().unacknowledgedBytes(), 800u);
    phone_->deliver(chat(large), 3);
  });
  EXPECT_TRUE(phone_->hasEnded());
  EXPECT_EQ(tablet_->journalIds(), (std::vector<JournalId>{1, 2, 3}));
}

// ---- resumption claims -------------------------------------------------------------------------

// XEP-0198 §5: two connections resuming at once end with one owner, the newest claim.
TEST_F(C2sSessionHandleTest, ANewerClaimSupersedesAnOlderOne) {
  on(shardA_, [&] {
    phone_->detach(std::chrono::seconds(300));
    const auto first = phone_->claimForResumption(shardA_);
    EXPECT_NE(first, 0u);
    EXPECT_TRUE(phone_->holdsClaim(first));
    const auto second = phone_->claimForResumption(shardA_);
    EXPECT_NE(second, 0u);
    EXPECT_NE(second, first);
    EXPECT_FALSE(phone_->holdsClaim(first));
    EXPECT_TRUE(phone_->holdsClaim(second));
    // An end (the client gave the wrong h, or a new login replaced it) leaves nothing to hold.
    phone_->end();
    EXPECT_FALSE(phone_->holdsClaim(second));
    EXPECT_EQ(phone_->claimForResumption(shardA_), 0u);
  });
}

TEST_F(C2sSessionHandleTest, ClaimingAwayFromTheSessionsShardThrows) {
  EXPECT_THROW(phone_->claimForResumption(shardA_), std::logic_error);  // no shard runs here
  on(shardB_, [&] { EXPECT_THROW(phone_->claimForResumption(shardB_), std::logic_error); });
  on(shardA_, [&] { EXPECT_NE(phone_->claimForResumption(shardB_), 0u); });
  EXPECT_THROW(phone_->claimForResumption(shardB_), std::logic_error);
}

// A claim from another shard moves the session there; what was posted to the old shard before
// the move (a delivery, the shutdown's end) follows it; only the new shard holds the claim.
TEST_F(C2sSessionHandleTest, AClaimMovesTheSessionAndWorkPostedToTheOldShardFollowsIt) {
  on(shardA_, [&] { phone_->detach(std::chrono::seconds(300)); });
  std::uint64_t claim = 0;
  asio::post(shardA_, [&] { claim = phone_->claimForResumption(shardB_); });
  phone_->deliver(chat("in flight"), 11);  // the session is on shard A still: posted there
  drain(shardA_);
  ASSERT_NE(claim, 0u);
  EXPECT_EQ(&phone_->shard(), &shardB_);
  on(shardA_, [&] { EXPECT_FALSE(phone_->holdsClaim(claim)); });
  drain(shardB_);
  EXPECT_EQ(queuedJournalIds(), std::vector<JournalId>{11});
  on(shardB_, [&] { EXPECT_TRUE(phone_->holdsClaim(claim)); });
  EXPECT_TRUE(tablet_->bodies().empty());
}

// server.cpp's shutdown ends waiting sessions with endOnItsShard(): `done` runs on the shard
// the session lives on, after it ended, also when it moved after the call.
TEST_F(C2sSessionHandleTest, EndOnItsShardRunsDoneOnTheSessionsShardAfterAMove) {
  on(shardA_, [&] {
    phone_->detach(std::chrono::seconds(300));
    phone_->deliver(chat("kept"), 5);
  });
  asio::post(shardA_, [&] { phone_->claimForResumption(shardB_); });
  bool done = false;
  bool doneOnB = false;
  bool endedBeforeDone = false;
  phone_->endOnItsShard([&] {
    done = true;
    doneOnB = shardB_.get_executor().running_in_this_thread();
    endedBeforeDone = phone_->hasEnded();
  });
  drain(shardA_);
  EXPECT_FALSE(done);
  drain(shardB_);
  EXPECT_TRUE(done);
  EXPECT_TRUE(doneOnB);
  EXPECT_TRUE(endedBeforeDone);
  EXPECT_EQ(tablet_->journalIds(), std::vector<JournalId>{5});
}

// C2sSessionHandle::claim: a resuming connection on shard B claims a session living on shard A;
// it moves to B.
TEST_F(C2sSessionHandleTest, ClaimFromAnotherShardMovesTheSessionThere) {
  on(shardA_, [&] { phone_->detach(std::chrono::seconds(300)); });
  std::optional<std::uint64_t> claim;
  asio::co_spawn(shardB_, C2sSessionHandle::claim(phone_, &shardB_),
                 [&](std::exception_ptr error, std::uint64_t claimed) {
                   ASSERT_FALSE(error);
                   claim = claimed;
                 });
  for (int round = 0; round < 10 && !claim; ++round) {
    drain(shardB_);
    drain(shardA_);
  }
  drain(shardB_);
  ASSERT_TRUE(claim);
  EXPECT_NE(*claim, 0u);
  EXPECT_EQ(&phone_->shard(), &shardB_);
  on(shardB_, [&] { EXPECT_TRUE(phone_->holdsClaim(*claim)); });
  // The old shard keeps no wait for the session that left it.
  drain(shardA_);
  EXPECT_TRUE(shardA_.stopped());
}

// A claim that reaches the session before its resumption wait began (the old connection broke
// just after the resumption was posted to its shard) moves it away: the wait, starting late on
// the old shard, must leave the moved session alone instead of waiting there for the whole
// resumption timeout with a pointer the new shard would later cancel from its own thread.
TEST_F(C2sSessionHandleTest, AClaimBeforeTheResumptionWaitBeganLeavesNoWaitOnTheOldShard) {
  asio::post(shardA_, [&] { phone_->detach(std::chrono::seconds(300)); });
  std::uint64_t claim = 0;
  asio::post(shardA_, [&] { claim = phone_->claimForResumption(shardB_); });
  drain(shardA_);
  ASSERT_NE(claim, 0u);
  EXPECT_EQ(&phone_->shard(), &shardB_);
  EXPECT_TRUE(shardA_.stopped());
  on(shardB_, [&] {
    EXPECT_TRUE(phone_->holdsClaim(claim));
    phone_->end();
  });
  EXPECT_EQ(phone_.use_count(), 1);
}

}  // namespace
}  // namespace kontalk::stream
