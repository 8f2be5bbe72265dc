// The session directory (src/router/session_directory.cpp): binding resources (RFC 6120 §7.7),
// conflicts, the per-account limit, and its invariants under concurrent binds and unbinds.

#include "router/session_directory.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <thread>

namespace kontalk::router {
namespace {

using BindOutcome = SessionDirectory::BindOutcome;

xmpp::Jid parseJid(std::string_view text) {
  return *xmpp::Jid::parse(text);
}

class StubSession final : public LocalSession {
 public:
  explicit StubSession(std::string_view fullJid) : LocalSession(parseJid(fullJid), {}) {}
  void deliver(xml::Element, api::JournalId) override {}
  void terminate(xmpp::StreamError) override {}
};

std::shared_ptr<LocalSession> session(std::string_view fullJid) {
  return std::make_shared<StubSession>(fullJid);
}

TEST(SessionDirectoryTest, BindsAndFindsByFullJid) {
  SessionDirectory directory(ResourceConflictPolicy::ReplaceOlder, 10);
  auto phone = session("alice@example.org/phone");
  auto tablet = session("alice@example.org/tablet");
  EXPECT_EQ(directory.bind(phone).outcome, BindOutcome::Bound);
  EXPECT_EQ(directory.bind(tablet).outcome, BindOutcome::Bound);
  EXPECT_EQ(directory.find(parseJid("alice@example.org/phone")), phone);
  EXPECT_EQ(directory.find(parseJid("alice@example.org/tablet")), tablet);
  EXPECT_EQ(directory.find(parseJid("alice@example.org/laptop")), nullptr);
  EXPECT_EQ(directory.find(parseJid("bob@example.org/phone")), nullptr);
  EXPECT_EQ(directory.size(), 2u);
}

// RFC 6120 §7.7.2.2: a bind of a resource in use may end the older session. The caller gets it
// to terminate (with <conflict/>); the directory holds the new one.
TEST(SessionDirectoryTest, ReplaceOlderReturnsTheReplacedSession) {
  SessionDirectory directory(ResourceConflictPolicy::ReplaceOlder, 10);
  auto older = session("alice@example.org/phone");
  auto newer = session("alice@example.org/phone");
  ASSERT_EQ(directory.bind(older).outcome, BindOutcome::Bound);
  const auto result = directory.bind(newer);
  EXPECT_EQ(result.outcome, BindOutcome::Bound);
  EXPECT_EQ(result.replaced, older);
  EXPECT_EQ(directory.find(parseJid("alice@example.org/phone")), newer);
  EXPECT_EQ(directory.size(), 1u);
}

// RFC 6120 §7.7.2.2: or the newer bind is refused and the older session stays.
TEST(SessionDirectoryTest, RefuseNewerKeepsTheOlderSession) {
  SessionDirectory directory(ResourceConflictPolicy::RefuseNewer, 10);
  auto older = session("alice@example.org/phone");
  ASSERT_EQ(directory.bind(older).outcome, BindOutcome::Bound);
  const auto result = directory.bind(session("alice@example.org/phone"));
  EXPECT_EQ(result.outcome, BindOutcome::Conflict);
  EXPECT_EQ(result.replaced, nullptr);
  EXPECT_EQ(directory.find(parseJid("alice@example.org/phone")), older);
}

// A limit on concurrent sessions per account (ARCHITECTURE.md §8); replacing one is no new one.
TEST(SessionDirectoryTest, RefusesSessionsBeyondTheLimit) {
  SessionDirectory directory(ResourceConflictPolicy::ReplaceOlder, 2);
  ASSERT_EQ(directory.bind(session("alice@example.org/a")).outcome, BindOutcome::Bound);
  ASSERT_EQ(directory.bind(session("alice@example.org/b")).outcome, BindOutcome::Bound);
  const auto refused = directory.bind(session("alice@example.org/c"));
  EXPECT_EQ(refused.outcome, BindOutcome::TooManySessions);
  EXPECT_EQ(directory.find(parseJid("alice@example.org/c")), nullptr);
  EXPECT_EQ(directory.bind(session("alice@example.org/b")).outcome, BindOutcome::Bound);
  EXPECT_EQ(directory.bind(session("bob@example.org/a")).outcome,
            BindOutcome::Bound);  // per account
  EXPECT_EQ(directory.size(), 3u);
}

// A replaced session ends after its successor was bound: its unbind must leave the successor.
TEST(SessionDirectoryTest, UnbindOfAReplacedSessionKeepsItsSuccessor) {
  SessionDirectory directory(ResourceConflictPolicy::ReplaceOlder, 10);
  auto older = session("alice@example.org/phone");
  auto newer = session("alice@example.org/phone");
  directory.bind(older);
  directory.bind(newer);
  EXPECT_FALSE(directory.unbind(*older));
  EXPECT_EQ(directory.find(parseJid("alice@example.org/phone")), newer);
  EXPECT_TRUE(directory.unbind(*newer));
  EXPECT_FALSE(directory.unbind(*newer));
  EXPECT_EQ(directory.find(parseJid("alice@example.org/phone")), nullptr);
  EXPECT_EQ(directory.size(), 0u);
}

// sessionsOf() is a copy: what changes afterwards does not change it.
TEST(SessionDirectoryTest, SessionsOfIsASnapshot) {
  SessionDirectory directory(ResourceConflictPolicy::ReplaceOlder, 10);
  auto phone = session("alice@example.org/phone");
  auto tablet = session("alice@example.org/tablet");
  directory.bind(phone);
  directory.bind(tablet);
  directory.bind(session("bob@example.org/phone"));
  const auto snapshot = directory.sessionsOf(parseJid("alice@example.org"));
  directory.unbind(*phone);
  directory.bind(session("alice@example.org/laptop"));
  ASSERT_EQ(snapshot.size(), 2u);
  EXPECT_EQ(std::set(snapshot.begin(), snapshot.end()),
            (std::set<std::shared_ptr<LocalSession>>{phone, tablet}));
  EXPECT_EQ(directory.sessionsOf(parseJid("alice@example.org")).size(), 2u);
  // A full JID asks for its account.
  EXPECT_EQ(directory.sessionsOf(parseJid("alice@example.org/anything")).size(), 2u);
  EXPECT_TRUE(directory.sessionsOf(parseJid("carol@example.org")).empty());
}

// Shards bind and unbind concurrently (ARCHITECTURE.md §5). Several threads bind, replace and
// unbind sessions of two accounts that share resources, over the limit. Afterwards every bound
// session left the directory exactly once: replaced (handed to one binder) or unbound by its
// owner, never both (a replaced session's unbind must not remove its successor); nothing is
// left; no snapshot ever showed two sessions of one full JID or more than the limit.
TEST(SessionDirectoryTest, ConcurrentBindsAndUnbindsKeepTheInvariants) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 3000;
  constexpr std::size_t kLimit = 3;
  SessionDirectory directory(ResourceConflictPolicy::ReplaceOlder, kLimit);
  // Each thread writes its own; the sessions stay alive so that their addresses are unique.
  struct Outcome {
    std::vector<std::shared_ptr<LocalSession>> bound;
    std::vector<std::shared_ptr<LocalSession>> replaced;  // returned by this thread's binds
    std::vector<const LocalSession*> unbound;             // its own, unbound successfully
    int refused = 0;
    int violations = 0;
  };
  std::vector<Outcome> outcomes(kThreads);

  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&directory, &outcome = outcomes[t], t] {
      std::deque<std::shared_ptr<LocalSession>> mine;  // still bound, as far as we know
      const auto unbind = [&](const std::shared_ptr<LocalSession>& each) {
        if (directory.unbind(*each)) outcome.unbound.push_back(each.get());
      };
      for (int round = 0; round < kRounds; ++round) {
        const int pick = (round * 7 + t * 13) % 16;
        const std::string account = "user" + std::to_string(pick % 2) + "@example.org";
        const std::string full = account + "/r" + std::to_string(pick / 2 % 4);
        auto fresh = session(full);
        const auto result = directory.bind(fresh);
        if (result.outcome == BindOutcome::Bound) {
          outcome.bound.push_back(fresh);
          mine.push_back(fresh);
          if (result.replaced) outcome.replaced.push_back(result.replaced);
        } else {
          ++outcome.refused;
        }
        const auto snapshot = directory.sessionsOf(parseJid(account));
        std::set<std::string> resources;
        for (const auto& each : snapshot) resources.insert(each->jid().resource());
        if (snapshot.size() > kLimit || resources.size() != snapshot.size()) ++outcome.violations;
        if (auto found = directory.find(parseJid(full)); found && found->jid() != parseJid(full)) {
          ++outcome.violations;
        }
        // Now and then our oldest session ends, possibly one replaced meanwhile.
        if (round % 3 == 2 && !mine.empty()) {
          unbind(mine.front());
          mine.pop_front();
        }
      }
      for (const auto& each : mine) unbind(each);
    });
  }
  for (auto& thread : threads) thread.join();
  const auto elapsed = std::chrono::steady_clock::now() - started;

  std::map<const LocalSession*, int> departures;
  std::size_t bound = 0;
  std::size_t replaced = 0;
  int refused = 0;
  for (const auto& outcome : outcomes) {
    EXPECT_EQ(outcome.violations, 0);
    for (const auto& each : outcome.replaced) ++departures[each.get()];
    for (const auto* each : outcome.unbound) ++departures[each];
    bound += outcome.bound.size();
    replaced += outcome.replaced.size();
    refused += outcome.refused;
  }
  int wrongDepartures = 0;
  for (const auto& outcome : outcomes) {
    for (const auto& each : outcome.bound) wrongDepartures += departures[each.get()] != 1;
  }
  EXPECT_EQ(wrongDepartures, 0);
  EXPECT_EQ(bound + refused, static_cast<std::size_t>(kThreads * kRounds));
  EXPECT_GT(replaced, 0u);  // the threads did contend for the same full JIDs
  EXPECT_GT(refused, 0);    // and for the limit
  EXPECT_EQ(directory.size(), 0u);
  for (const char* account : {"user0@example.org", "user1@example.org"}) {
    EXPECT_TRUE(directory.sessionsOf(parseJid(account)).empty());
  }
  RecordProperty(
      "elapsed_ms",
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
}

}  // namespace
}  // namespace kontalk::router
