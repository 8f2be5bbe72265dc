// The state machine against every row of RFC 6121 Appendix A (A.2 outbound, A.3 inbound) and
// the pre-approval rules of §3.4.
#include "modules/roster/subscription_state.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace kontalk::modules::roster {
namespace {

using enum SubscriptionStanza;

// The nine states of Appendix A.1, by their names there.
enum class Named { None, NoneOut, NoneIn, NoneOutIn, To, ToIn, From, FromOut, Both };
using enum Named;

constexpr std::array<const char*, 9> kStateNames = {"None",
                                                    "None + Pending Out",
                                                    "None + Pending In",
                                                    "None + Pending Out/In",
                                                    "To",
                                                    "To + Pending In",
                                                    "From",
                                                    "From + Pending Out",
                                                    "Both"};

SubscriptionState state(Named named) {
  switch (named) {
    case None:
      return {};
    case NoneOut:
      return {.pendingOut = true};
    case NoneIn:
      return {.pendingIn = true};
    case NoneOutIn:
      return {.pendingOut = true, .pendingIn = true};
    case To:
      return {.to = true};
    case ToIn:
      return {.to = true, .pendingIn = true};
    case From:
      return {.from = true};
    case FromOut:
      return {.from = true, .pendingOut = true};
    case Both:
      return {.to = true, .from = true};
  }
  return {};
}

// What one stanza does in one state: whether the server forwards it (A.2: routes it to the
// contact; A.3: delivers it to the user) and the state after it.
struct Cell {
  bool forward;
  Named after;
  bool approved = false;  // the user pre-approved the contact (§3.4.1)
};

constexpr Cell forwarded(Named after) {
  return {true, after};
}
constexpr Cell notForwarded(Named after) {
  return {false, after};
}
// A.2.3 without a pending request: the state stays, the approval is kept locally (§3.4.1).
constexpr Cell preApproval(Named after) {
  return {false, after, true};
}

// The columns of both tables, in the order of the Appendix's subsections (A.2.1 to A.2.4, A.3.1
// to A.3.4).
constexpr std::array<SubscriptionStanza, 4> kColumns = {Subscribe, Unsubscribe, Subscribed,
                                                        Unsubscribed};
constexpr std::array<const char*, 4> kColumnNames = {"subscribe", "unsubscribe", "subscribed",
                                                     "unsubscribed"};

struct Row {
  Named before;
  std::array<Cell, 4> cells;  // by kColumns
};
using Table = std::array<Row, 9>;

// Appendix A.2: stanzas the user sends.
constexpr Table kOutbound = {{
    // Columns: A.2.1 subscribe, A.2.2 unsubscribe, A.2.3 subscribed, A.2.4 unsubscribed.
    {None, {forwarded(NoneOut), forwarded(None), preApproval(None), notForwarded(None)}},
    {NoneOut, {forwarded(NoneOut), forwarded(None), preApproval(NoneOut), notForwarded(NoneOut)}},
    {NoneIn, {forwarded(NoneOutIn), forwarded(NoneIn), forwarded(From), forwarded(None)}},
    {NoneOutIn, {forwarded(NoneOutIn), forwarded(NoneIn), forwarded(FromOut), forwarded(NoneOut)}},
    {To, {forwarded(To), forwarded(None), preApproval(To), notForwarded(To)}},
    {ToIn, {forwarded(ToIn), forwarded(NoneIn), forwarded(Both), forwarded(To)}},
    {From, {forwarded(FromOut), forwarded(From), notForwarded(From), forwarded(None)}},
    {FromOut, {forwarded(FromOut), forwarded(From), notForwarded(FromOut), forwarded(NoneOut)}},
    {Both, {forwarded(Both), forwarded(From), notForwarded(Both), forwarded(To)}},
}};

// Appendix A.3: stanzas the contact sends. A subscribe in a state with 'from' is answered by
// the server instead of delivered (§3.1.3).
constexpr Table kInbound = {{
    // Columns: A.3.1 subscribe, A.3.2 unsubscribe, A.3.3 subscribed, A.3.4 unsubscribed.
    {None, {forwarded(NoneIn), notForwarded(None), notForwarded(None), notForwarded(None)}},
    {NoneOut, {forwarded(NoneOutIn), notForwarded(NoneOut), forwarded(To), forwarded(None)}},
    {NoneIn, {notForwarded(NoneIn), forwarded(None), notForwarded(NoneIn), notForwarded(NoneIn)}},
    {NoneOutIn, {notForwarded(NoneOutIn), forwarded(NoneOut), forwarded(ToIn), forwarded(NoneIn)}},
    {To, {forwarded(ToIn), notForwarded(To), notForwarded(To), forwarded(None)}},
    {ToIn, {notForwarded(ToIn), forwarded(To), notForwarded(ToIn), forwarded(NoneIn)}},
    {From, {notForwarded(From), forwarded(None), notForwarded(From), notForwarded(From)}},
    {FromOut, {notForwarded(FromOut), forwarded(NoneOut), forwarded(Both), forwarded(From)}},
    {Both, {notForwarded(Both), forwarded(To), notForwarded(Both), forwarded(From)}},
}};

void expectTable(SubscriptionTransition (*transition)(SubscriptionState, SubscriptionStanza),
                 const std::string& section, const Table& table) {
  for (const Row& row : table) {
    for (std::size_t column = 0; column < kColumns.size(); ++column) {
      const Cell& expected = row.cells[column];
      SubscriptionState after = state(expected.after);
      after.approved = expected.approved;
      const auto result = transition(state(row.before), kColumns[column]);
      const std::string where = section + "." + std::to_string(column + 1) + " " +
                                kColumnNames[column] + " in state " +
                                kStateNames[static_cast<std::size_t>(row.before)];
      EXPECT_EQ(result.next, after) << where;
      EXPECT_EQ(result.forward, expected.forward) << where;
    }
  }
}

TEST(SubscriptionStateTest, OutboundFollowsAppendixA2) {
  expectTable(outboundTransition, "A.2", kOutbound);
}

TEST(SubscriptionStateTest, InboundFollowsAppendixA3) {
  expectTable(inboundTransition, "A.3", kInbound);
}

// What the tables do not show: the presence the server sends when 'from' changes, and its own
// answers to subscription requests.

// A.2.3: approving a pending request sends the user's presence (§3.1.5); a pre-approval does not.
TEST(SubscriptionStateTest, OutboundSubscribedSendsPresenceOnlyWhenApprovingARequest) {
  for (Named before : {NoneIn, NoneOutIn, ToIn}) {
    EXPECT_TRUE(outboundTransition(state(before), Subscribed).sendPresence);
  }
  for (Named before : {None, NoneOut, To}) {
    EXPECT_FALSE(outboundTransition(state(before), Subscribed).sendPresence);
  }
}

// A.2.4
TEST(SubscriptionStateTest, OutboundUnsubscribedSendsUnavailableAndCancelsPreApproval) {
  EXPECT_TRUE(outboundTransition(state(Both), Unsubscribed).sendUnavailable);
  EXPECT_FALSE(outboundTransition(state(NoneIn), Unsubscribed).sendUnavailable);
  // §3.4.1: unsubscribed cancels a pre-approval.
  SubscriptionState approved{.approved = true};
  EXPECT_EQ(outboundTransition(approved, Unsubscribed).next, state(None));
}

// A.3.1 and §3.1.3 rule 1: a contact already subscribed is answered by the server.
TEST(SubscriptionStateTest, InboundSubscribeFromASubscribedContactIsAnswered) {
  for (Named before : {From, FromOut, Both}) {
    EXPECT_TRUE(inboundTransition(state(before), Subscribe).replySubscribed);
  }
  EXPECT_FALSE(inboundTransition(state(None), Subscribe).replySubscribed);
}

// §3.4.2: a pre-approved request is granted by the server.
TEST(SubscriptionStateTest, InboundSubscribeAfterPreApproval) {
  SubscriptionState approved{.approved = true};
  const auto result = inboundTransition(approved, Subscribe);
  EXPECT_EQ(result.next, state(From));
  EXPECT_FALSE(result.forward);
  EXPECT_TRUE(result.replySubscribed);
  EXPECT_TRUE(result.sendPresence);
  SubscriptionState approvedTo{.to = true, .approved = true};
  EXPECT_EQ(inboundTransition(approvedTo, Subscribe).next, state(Both));
}

// A.3.2
TEST(SubscriptionStateTest, InboundUnsubscribeSendsUnavailable) {
  EXPECT_TRUE(inboundTransition(state(From), Unsubscribe).sendUnavailable);
}

}  // namespace
}  // namespace kontalk::modules::roster
