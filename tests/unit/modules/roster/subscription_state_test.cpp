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

SubscriptionState state(Named named) {
  switch (named) {
    case Named::None:
      return {};
    case Named::NoneOut:
      return {.pendingOut = true};
    case Named::NoneIn:
      return {.pendingIn = true};
    case Named::NoneOutIn:
      return {.pendingOut = true, .pendingIn = true};
    case Named::To:
      return {.to = true};
    case Named::ToIn:
      return {.to = true, .pendingIn = true};
    case Named::From:
      return {.from = true};
    case Named::FromOut:
      return {.from = true, .pendingOut = true};
    case Named::Both:
      return {.to = true, .from = true};
  }
  return {};
}

struct Row {
  Named before;
  bool forward;  // A.2: routed; A.3: delivered to the user
  Named after;
};

void expectTable(SubscriptionTransition (*transition)(SubscriptionState, SubscriptionStanza),
                 SubscriptionStanza stanza, const std::array<Row, 9>& rows) {
  for (const Row& row : rows) {
    const auto result = transition(state(row.before), stanza);
    const std::string where = "row " + std::to_string(static_cast<int>(row.before));
    EXPECT_EQ(result.next, state(row.after)) << where;
    EXPECT_EQ(result.forward, row.forward) << where;
  }
}

// A.2.1: outbound subscribe is always routed.
TEST(SubscriptionStateTest, OutboundSubscribe) {
  expectTable(outboundTransition, Subscribe,
              {{{Named::None, true, Named::NoneOut},
                {Named::NoneOut, true, Named::NoneOut},
                {Named::NoneIn, true, Named::NoneOutIn},
                {Named::NoneOutIn, true, Named::NoneOutIn},
                {Named::To, true, Named::To},
                {Named::ToIn, true, Named::ToIn},
                {Named::From, true, Named::FromOut},
                {Named::FromOut, true, Named::FromOut},
                {Named::Both, true, Named::Both}}});
}

// A.2.2
TEST(SubscriptionStateTest, OutboundUnsubscribe) {
  expectTable(outboundTransition, Unsubscribe,
              {{{Named::None, true, Named::None},
                {Named::NoneOut, true, Named::None},
                {Named::NoneIn, true, Named::NoneIn},
                {Named::NoneOutIn, true, Named::NoneIn},
                {Named::To, true, Named::None},
                {Named::ToIn, true, Named::NoneIn},
                {Named::From, true, Named::From},
                {Named::FromOut, true, Named::From},
                {Named::Both, true, Named::From}}});
}

// A.2.3, without the pre-approvals (checked below): only a pending request is approved.
TEST(SubscriptionStateTest, OutboundSubscribedApprovesPendingRequests) {
  for (Named before : {Named::NoneIn, Named::NoneOutIn, Named::ToIn}) {
    const auto result = outboundTransition(state(before), Subscribed);
    EXPECT_TRUE(result.forward);
    EXPECT_TRUE(result.sendPresence);
    EXPECT_TRUE(result.next.from);
    EXPECT_FALSE(result.next.pendingIn);
  }
  EXPECT_EQ(outboundTransition(state(Named::NoneIn), Subscribed).next, state(Named::From));
  EXPECT_EQ(outboundTransition(state(Named::NoneOutIn), Subscribed).next, state(Named::FromOut));
  EXPECT_EQ(outboundTransition(state(Named::ToIn), Subscribed).next, state(Named::Both));
  for (Named before : {Named::From, Named::FromOut, Named::Both}) {
    const auto result = outboundTransition(state(before), Subscribed);
    EXPECT_FALSE(result.forward);
    EXPECT_EQ(result.next, state(before));
  }
}

// §3.4.1: subscribed without a request is a pre-approval, kept locally.
TEST(SubscriptionStateTest, OutboundSubscribedWithoutRequestPreApproves) {
  for (Named before : {Named::None, Named::NoneOut, Named::To}) {
    const auto result = outboundTransition(state(before), Subscribed);
    SubscriptionState expected = state(before);
    expected.approved = true;
    EXPECT_EQ(result.next, expected);
    EXPECT_FALSE(result.forward);
    EXPECT_FALSE(result.sendPresence);
  }
}

// A.2.4
TEST(SubscriptionStateTest, OutboundUnsubscribed) {
  expectTable(outboundTransition, Unsubscribed,
              {{{Named::None, false, Named::None},
                {Named::NoneOut, false, Named::NoneOut},
                {Named::NoneIn, true, Named::None},
                {Named::NoneOutIn, true, Named::NoneOut},
                {Named::To, false, Named::To},
                {Named::ToIn, true, Named::To},
                {Named::From, true, Named::None},
                {Named::FromOut, true, Named::NoneOut},
                {Named::Both, true, Named::To}}});
  EXPECT_TRUE(outboundTransition(state(Named::Both), Unsubscribed).sendUnavailable);
  EXPECT_FALSE(outboundTransition(state(Named::NoneIn), Unsubscribed).sendUnavailable);
  // §3.4.1: unsubscribed cancels a pre-approval.
  SubscriptionState approved{.approved = true};
  EXPECT_EQ(outboundTransition(approved, Unsubscribed).next, state(Named::None));
}

// A.3.1 (the states with 'from' are answered by the server instead of delivered, §3.1.3).
TEST(SubscriptionStateTest, InboundSubscribe) {
  expectTable(inboundTransition, Subscribe,
              {{{Named::None, true, Named::NoneIn},
                {Named::NoneOut, true, Named::NoneOutIn},
                {Named::NoneIn, false, Named::NoneIn},
                {Named::NoneOutIn, false, Named::NoneOutIn},
                {Named::To, true, Named::ToIn},
                {Named::ToIn, false, Named::ToIn},
                {Named::From, false, Named::From},
                {Named::FromOut, false, Named::FromOut},
                {Named::Both, false, Named::Both}}});
  for (Named before : {Named::From, Named::FromOut, Named::Both}) {
    EXPECT_TRUE(inboundTransition(state(before), Subscribe).replySubscribed);
  }
  EXPECT_FALSE(inboundTransition(state(Named::None), Subscribe).replySubscribed);
}

// §3.4.2: a pre-approved request is granted by the server.
TEST(SubscriptionStateTest, InboundSubscribeAfterPreApproval) {
  SubscriptionState approved{.approved = true};
  const auto result = inboundTransition(approved, Subscribe);
  EXPECT_EQ(result.next, state(Named::From));
  EXPECT_FALSE(result.forward);
  EXPECT_TRUE(result.replySubscribed);
  EXPECT_TRUE(result.sendPresence);
  SubscriptionState approvedTo{.to = true, .approved = true};
  EXPECT_EQ(inboundTransition(approvedTo, Subscribe).next, state(Named::Both));
}

// A.3.2
TEST(SubscriptionStateTest, InboundUnsubscribe) {
  expectTable(inboundTransition, Unsubscribe,
              {{{Named::None, false, Named::None},
                {Named::NoneOut, false, Named::NoneOut},
                {Named::NoneIn, true, Named::None},
                {Named::NoneOutIn, true, Named::NoneOut},
                {Named::To, false, Named::To},
                {Named::ToIn, true, Named::To},
                {Named::From, true, Named::None},
                {Named::FromOut, true, Named::NoneOut},
                {Named::Both, true, Named::To}}});
  EXPECT_TRUE(inboundTransition(state(Named::From), Unsubscribe).sendUnavailable);
}

// A.3.3
TEST(SubscriptionStateTest, InboundSubscribed) {
  expectTable(inboundTransition, Subscribed,
              {{{Named::None, false, Named::None},
                {Named::NoneOut, true, Named::To},
                {Named::NoneIn, false, Named::NoneIn},
                {Named::NoneOutIn, true, Named::ToIn},
                {Named::To, false, Named::To},
                {Named::ToIn, false, Named::ToIn},
                {Named::From, false, Named::From},
                {Named::FromOut, true, Named::Both},
                {Named::Both, false, Named::Both}}});
}

// A.3.4
TEST(SubscriptionStateTest, InboundUnsubscribed) {
  expectTable(inboundTransition, Unsubscribed,
              {{{Named::None, false, Named::None},
                {Named::NoneOut, true, Named::None},
                {Named::NoneIn, false, Named::NoneIn},
                {Named::NoneOutIn, true, Named::NoneIn},
                {Named::To, true, Named::None},
                {Named::ToIn, true, Named::NoneIn},
                {Named::From, false, Named::From},
                {Named::FromOut, true, Named::From},
                {Named::Both, true, Named::From}}});
}

}  // namespace
}  // namespace kontalk::modules::roster
