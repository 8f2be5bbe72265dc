// The last-activity module (src/modules/last/last.cpp, XEP-0012) through the fake module host,
// with a fake roster (api::RosterQueries) in place of the roster module it requires.

#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "api/fake_module_host.hpp"
#include "api/module_descriptor.hpp"
#include "api/roster_queries.hpp"
#include "xmpp/error_condition.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::IqScope;
using api::testing::FakeModuleHost;
using api::testing::FakeSession;
using xmpp::testing::errorCondition;
using xmpp::testing::errorType;

// Who sees whose presence (RFC 6121 §2.1.2.5), as the test says.
class FakeRoster final : public api::RosterQueries {
 public:
  Result<bool> seesPresenceOf(const xmpp::Jid& contact, const xmpp::Jid& account) override {
    ++queries;
    if (failure) return tl::unexpected(*failure);
    return allowed.contains({contact.bareString(), account.bareString()});
  }

  std::set<std::pair<std::string, std::string>> allowed;  // (contact, account)
  std::optional<Status> failure;
  int queries = 0;
};

class LastTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // created_at = 1 (1970): an account that was never unavailable reports more than 10^9
    // seconds, one with a recorded activity far fewer.
    for (const char* user : {"alice", "bob"}) {
      ASSERT_TRUE(
          host_.database().accounts().create(storage::Account{user, "example.org", {}, {}, 1}));
    }
    host_.provide<api::RosterQueries>(roster_);
    module_ = FakeModuleHost::create("last");
    host_.start(*module_);
  }

  // Bob (or `from`) asks about `account`; returns the one reply, after the blocking work.
  xml::Element ask(const std::string& account, const std::string& from = "bob@example.org/pc") {
    const auto result = host_.deliverIq(
        IqScope::Account,
        FakeModuleHost::iq("get", from, account, xml::Element("query", ns::kLastActivity)));
    EXPECT_EQ(result, api::HandlerResult::Handled);
    // The answer needs storage: nothing before the worker ran.
    EXPECT_TRUE(host_.sent().empty());
    host_.runPendingWork();
    auto replies = host_.takeSent();
    if (replies.size() != 1) {
      ADD_FAILURE() << "expected one reply, got " << replies.size();
      return xml::Element("none");
    }
    EXPECT_EQ(replies[0].attribute("to"), from);
    EXPECT_EQ(replies[0].attribute("from"), account);
    return replies[0];
  }

  static long long seconds(const xml::Element& reply) {
    const auto* query = reply.child("query", ns::kLastActivity);
    return query == nullptr ? -1 : std::stoll(std::string(query->attribute("seconds")));
  }

  FakeModuleHost host_;
  FakeRoster roster_;
  std::unique_ptr<api::Module> module_;
};

TEST_F(LastTest, RequiresTheRoster) {
  const auto* descriptor = api::ModuleRegistry::instance().find("last");
  ASSERT_NE(descriptor, nullptr);
  EXPECT_EQ(descriptor->dependencies, std::vector<std::string>{"roster"});
}

// Kontalk spec §7.8: item-not-found, and only that, tells a client the contact deleted its
// account.
TEST_F(LastTest, UnknownAccountIsItemNotFound) {
  const auto reply = ask("carol@example.org");
  EXPECT_EQ(errorCondition(reply), "item-not-found");
  EXPECT_EQ(roster_.queries, 0);
}

// XEP-0012 §4: only those allowed to see the account's presence learn its last activity.
TEST_F(LastTest, NotSubscribedIsForbidden) {
  const auto reply = ask("alice@example.org");
  EXPECT_EQ(errorCondition(reply), "forbidden");
  EXPECT_EQ(roster_.queries, 1);
}

// XEP-0012 §4: an available account was active just now.
TEST_F(LastTest, OnlineAccountWasActiveZeroSecondsAgo) {
  roster_.allowed.insert({"bob@example.org", "alice@example.org"});
  host_.addSession(std::make_shared<FakeSession>("alice@example.org/phone"));
  const auto reply = ask("alice@example.org");
  EXPECT_EQ(reply.attribute("type"), "result");
  EXPECT_EQ(seconds(reply), 0);
}

TEST_F(LastTest, AnUnavailableSessionIsNotOnline) {
  roster_.allowed.insert({"bob@example.org", "alice@example.org"});
  host_.addSession(std::make_shared<FakeSession>("alice@example.org/phone", false));
  EXPECT_GT(seconds(ask("alice@example.org")), 1'000'000'000);  // since creation
}

// The account's own unavailable presence is its last activity, with its status text.
TEST_F(LastTest, RecordsTheUnavailablePresenceAndItsStatus) {
  roster_.allowed.insert({"bob@example.org", "alice@example.org"});
  xml::Element unavailable("presence", ns::kClient);
  unavailable.setAttribute("from", "alice@example.org/phone");
  unavailable.setAttribute("type", "unavailable");
  unavailable.addChild("status", ns::kClient).addText("gone fishing");
  const FakeSession alice("alice@example.org/phone");
  EXPECT_EQ(host_.runHooks(api::StanzaHook::FromClient, unavailable, &alice),
            api::HandlerResult::Continue);  // it only watches
  EXPECT_EQ(host_.runPendingWork(), 1u);

  const auto reply = ask("alice@example.org");
  EXPECT_EQ(reply.attribute("type"), "result");
  EXPECT_LT(seconds(reply), 1'000'000'000);
  EXPECT_EQ(reply.child("query", ns::kLastActivity)->text(), "gone fishing");
}

TEST_F(LastTest, OwnAccountNeedsNoRoster) {
  const auto reply = ask("alice@example.org", "alice@example.org/tablet");
  EXPECT_EQ(reply.attribute("type"), "result");
  EXPECT_EQ(roster_.queries, 0);
}

// A roster that cannot answer now is a transient failure: the client may retry (`wait`).
TEST_F(LastTest, TransientRosterFailureAnswersWait) {
  roster_.failure = Status{StatusCode::Unavailable, "database is locked"};
  const auto reply = ask("alice@example.org");
  EXPECT_EQ(errorCondition(reply), "internal-server-error");
  EXPECT_EQ(errorType(reply), "wait");
}

// XEP-0012 §5: a query to the server is its uptime, answered without blocking work.
TEST_F(LastTest, ServerQueryIsUptime) {
  const auto result = host_.deliverIq(IqScope::Server,
                                      FakeModuleHost::iq("get", "bob@example.org/pc", "example.org",
                                                         xml::Element("query", ns::kLastActivity)));
  EXPECT_EQ(result, api::HandlerResult::Handled);
  const auto replies = host_.takeSent();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_GE(seconds(replies[0]), 0);
  EXPECT_EQ(host_.pendingWork(), 0u);
}

}  // namespace
}  // namespace kontalk::modules
