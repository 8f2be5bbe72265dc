#include "modules/adhoc/command_sessions.hpp"

#include <gtest/gtest.h>

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::adhoc {
namespace {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;
using Clock = CommandSessions::Clock;

const xmpp::Jid kAlice = *xmpp::Jid::parse("alice@example.org/phone");
const xmpp::Jid kAliceLaptop = *xmpp::Jid::parse("alice@example.org/laptop");
const char* kNode = "http://jabber.org/protocol/admin#add-user";

xmpp::DataForm submitted(std::string value) {
  return {"submit", "", {{"accountjid", "", "", {std::move(value)}}}};
}

class CommandSessionsTest : public ::testing::Test {
 protected:
  std::string open(const xmpp::Jid& owner = kAlice) {
    auto opened = sessions_.open(owner, "", kNode, now_);
    EXPECT_TRUE(std::holds_alternative<std::string>(opened));
    return std::holds_alternative<std::string>(opened) ? std::get<std::string>(opened) : "";
  }

  std::variant<CommandSessions::Resumed, StanzaError> resume(
      const std::string& id, CommandAction action,
      std::optional<xmpp::DataForm> form = std::nullopt, const xmpp::Jid& owner = kAlice,
      const char* node = kNode) {
    return sessions_.resume(owner, id, "", node, action, std::move(form), now_);
  }

  static std::string specific(const std::variant<CommandSessions::Resumed, StanzaError>& result) {
    const auto* error = std::get_if<StanzaError>(&result);
    if (error == nullptr) return "no error";
    if (!error->application) return std::string(xmpp::conditionName(error->condition));
    EXPECT_EQ(error->application->xmlns(), ns::kCommands);
    return std::string(xmpp::conditionName(error->condition)) + "/" + error->application->name();
  }

  CommandSessions sessions_{2, std::chrono::seconds(60)};
  Clock::time_point now_ = Clock::now();
};

TEST_F(CommandSessionsTest, CollectsTheSubmittedFormsStageByStage) {
  const auto id = open();
  sessions_.answered(id, false, now_);
  auto first = resume(id, CommandAction::Next, submitted("a"));
  ASSERT_TRUE(std::holds_alternative<CommandSessions::Resumed>(first));
  EXPECT_EQ(std::get<CommandSessions::Resumed>(first).submitted.size(), 1u);
  sessions_.answered(id, true, now_);
  // Execute on the last stage means complete (XEP-0050 §3.4).
  auto second = resume(id, CommandAction::Execute, submitted("b"));
  ASSERT_TRUE(std::holds_alternative<CommandSessions::Resumed>(second));
  const auto& forms = std::get<CommandSessions::Resumed>(second).submitted;
  ASSERT_EQ(forms.size(), 2u);
  EXPECT_EQ(forms[0].value("accountjid"), "a");
  EXPECT_EQ(forms[1].value("accountjid"), "b");
}

TEST_F(CommandSessionsTest, PrevForgetsTheLastFormAndIsRefusedOnTheFirstStage) {
  const auto id = open();
  sessions_.answered(id, false, now_);
  EXPECT_EQ(specific(resume(id, CommandAction::Prev)), "bad-request/bad-action");
  ASSERT_TRUE(std::holds_alternative<CommandSessions::Resumed>(
      resume(id, CommandAction::Next, submitted("a"))));
  sessions_.answered(id, true, now_);
  auto back = resume(id, CommandAction::Prev);
  ASSERT_TRUE(std::holds_alternative<CommandSessions::Resumed>(back));
  EXPECT_TRUE(std::get<CommandSessions::Resumed>(back).submitted.empty());
}

TEST_F(CommandSessionsTest, OffersNextBeforeTheLastStageAndCompleteOnIt) {
  const auto id = open();
  sessions_.answered(id, false, now_);
  EXPECT_EQ(specific(resume(id, CommandAction::Complete, submitted("a"))),
            "bad-request/bad-action");
  ASSERT_TRUE(std::holds_alternative<CommandSessions::Resumed>(
      resume(id, CommandAction::Next, submitted("a"))));
  sessions_.answered(id, true, now_);
  EXPECT_EQ(specific(resume(id, CommandAction::Next, submitted("b"))), "bad-request/bad-action");
  EXPECT_EQ(specific(resume(id, CommandAction::Complete)), "bad-request/bad-payload")
      << "complete needs the form";
  EXPECT_TRUE(std::holds_alternative<CommandSessions::Resumed>(
      resume(id, CommandAction::Complete, submitted("b"))));
}

TEST_F(CommandSessionsTest, ASessionIsItsOwnersAndItsCommandsOnly) {
  const auto id = open();
  sessions_.answered(id, true, now_);
  EXPECT_EQ(specific(resume("nonsense", CommandAction::Complete, submitted("a"))),
            "bad-request/bad-sessionid");
  EXPECT_EQ(specific(resume(id, CommandAction::Complete, submitted("a"), kAliceLaptop)),
            "bad-request/bad-sessionid")
      << "another resource of the account";
  EXPECT_EQ(specific(resume(id, CommandAction::Complete, submitted("a"), kAlice, "other")),
            "bad-request/bad-sessionid");
  EXPECT_TRUE(std::holds_alternative<CommandSessions::Resumed>(
      resume(id, CommandAction::Complete, submitted("a"))));
}

TEST_F(CommandSessionsTest, CancelEndsTheSession) {
  const auto id = open();
  sessions_.answered(id, false, now_);
  auto canceled = resume(id, CommandAction::Cancel);
  ASSERT_TRUE(std::holds_alternative<CommandSessions::Resumed>(canceled));
  EXPECT_TRUE(std::get<CommandSessions::Resumed>(canceled).canceled);
  EXPECT_EQ(sessions_.openCount(), 0u);
  EXPECT_EQ(specific(resume(id, CommandAction::Next, submitted("a"))), "bad-request/bad-sessionid");
}

TEST_F(CommandSessionsTest, AStageStillRunningRefusesTheNext) {
  const auto id = open();  // busy until answered
  EXPECT_EQ(specific(resume(id, CommandAction::Next, submitted("a"))), "unexpected-request");
  sessions_.answered(id, false, now_);
  EXPECT_TRUE(std::holds_alternative<CommandSessions::Resumed>(
      resume(id, CommandAction::Next, submitted("a"))));
}

TEST_F(CommandSessionsTest, BoundsTheOpenSessionsOfAnAccount) {
  open(kAlice);
  open(kAliceLaptop);
  auto third = sessions_.open(kAlice, "", kNode, now_);
  ASSERT_TRUE(std::holds_alternative<StanzaError>(third));
  EXPECT_EQ(std::get<StanzaError>(third).condition, StanzaErrorCondition::ResourceConstraint);
  EXPECT_TRUE(std::holds_alternative<std::string>(
      sessions_.open(*xmpp::Jid::parse("bob@example.org/phone"), "", kNode, now_)));
}

TEST_F(CommandSessionsTest, AnIdleSessionExpires) {
  const auto id = open();
  sessions_.answered(id, false, now_);
  const auto busy = open();  // its command still works: not expired under it
  now_ += std::chrono::seconds(61);
  EXPECT_EQ(specific(resume(id, CommandAction::Next, submitted("a"))),
            "not-allowed/session-expired");
  EXPECT_EQ(sessions_.expire(now_), 0u);
  EXPECT_EQ(sessions_.openCount(), 1u);
  sessions_.answered(busy, false, now_);
  EXPECT_EQ(sessions_.expire(now_ + std::chrono::seconds(61)), 1u);
  EXPECT_EQ(sessions_.openCount(), 0u);
}

TEST(CommandActionTest, ReadsTheActionsOfXep0050) {
  EXPECT_EQ(parseCommandAction(""), CommandAction::Execute);
  EXPECT_EQ(parseCommandAction("execute"), CommandAction::Execute);
  EXPECT_EQ(parseCommandAction("next"), CommandAction::Next);
  EXPECT_EQ(parseCommandAction("prev"), CommandAction::Prev);
  EXPECT_EQ(parseCommandAction("complete"), CommandAction::Complete);
  EXPECT_EQ(parseCommandAction("cancel"), CommandAction::Cancel);
  EXPECT_FALSE(parseCommandAction("Execute"));
}

}  // namespace
}  // namespace kontalk::modules::adhoc
