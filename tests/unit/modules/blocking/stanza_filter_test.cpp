#include "modules/blocking/stanza_filter.hpp"

#include <gtest/gtest.h>

#include "xmpp/namespaces.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::blocking {
namespace {

constexpr std::string_view kDomain = "example.org";

xmpp::Jid jid(std::string_view text) {
  return xmpp::Jid::parse(text).value();
}

xml::Element stanza(const char* name, const char* type = nullptr) {
  xml::Element element(name, ns::kClient);
  if (type != nullptr) element.setAttribute("type", type);
  return element;
}

class StanzaFilterTest : public ::testing::Test {
 protected:
  StanzaFilterTest() { lists_.add("alice@example.org", {"mallory@example.org"}); }

  Verdict toAlice(const xml::Element& element) {
    return filterToRecipient(lists_, element, jid("mallory@example.org/x"),
                             jid("alice@example.org/phone"), kDomain);
  }
  Verdict fromAlice(const xml::Element& element) {
    return filterToRecipient(lists_, element, jid("alice@example.org/phone"),
                             jid("mallory@example.org"), kDomain);
  }

  BlockLists lists_;
};

TEST_F(StanzaFilterTest, InboundFromBlockedFollowsXep0191Section35) {
  EXPECT_EQ(toAlice(stanza("presence")), Verdict::Drop);
  EXPECT_EQ(toAlice(stanza("presence", "subscribe")), Verdict::Drop);
  EXPECT_EQ(toAlice(stanza("message", "chat")), Verdict::ServiceUnavailable);
  EXPECT_EQ(toAlice(stanza("message", "error")), Verdict::Drop);
  EXPECT_EQ(toAlice(stanza("iq", "get")), Verdict::ServiceUnavailable);
  EXPECT_EQ(toAlice(stanza("iq", "set")), Verdict::ServiceUnavailable);
  EXPECT_EQ(toAlice(stanza("iq", "result")), Verdict::Drop);
}

TEST_F(StanzaFilterTest, ServerSentStanzasOfTheBlockerNeverReachTheBlocked) {
  EXPECT_EQ(fromAlice(stanza("presence")), Verdict::Drop);
  EXPECT_EQ(fromAlice(stanza("presence", "subscribe")), Verdict::Drop);
  EXPECT_EQ(fromAlice(stanza("iq", "result")), Verdict::Drop);
  // Alice's own messages and requests (multicast copies) are refused to her, as when she
  // addresses the blocked entity directly.
  EXPECT_EQ(fromAlice(stanza("message", "chat")), Verdict::RefuseBlocked);
  EXPECT_EQ(fromAlice(stanza("message")), Verdict::RefuseBlocked);
  EXPECT_EQ(fromAlice(stanza("iq", "get")), Verdict::RefuseBlocked);
  EXPECT_EQ(fromAlice(stanza("presence", "unavailable")), Verdict::Pass);
  EXPECT_EQ(fromAlice(stanza("message", "error")), Verdict::Pass);
}

TEST_F(StanzaFilterTest, OthersPass) {
  EXPECT_EQ(filterToRecipient(lists_, stanza("message", "chat"), jid("bob@example.org/x"),
                              jid("alice@example.org"), kDomain),
            Verdict::Pass);
  // Mallory did not block alice.
  EXPECT_EQ(filterFromClient(lists_, stanza("message", "chat"), jid("mallory@example.org/x"),
                             jid("alice@example.org"), kDomain),
            Verdict::Pass);
  // The server and the account itself are never blocked.
  lists_.add("alice@example.org", {"example.org"});
  EXPECT_EQ(filterToRecipient(lists_, stanza("iq", "get"), jid("example.org"),
                              jid("alice@example.org/phone"), kDomain),
            Verdict::Pass);
  EXPECT_EQ(filterFromClient(lists_, stanza("iq", "get"), jid("alice@example.org/phone"),
                             jid("example.org"), kDomain),
            Verdict::Pass);
  EXPECT_EQ(filterFromClient(lists_, stanza("message"), jid("alice@example.org/phone"),
                             jid("alice@example.org/tablet"), kDomain),
            Verdict::Pass);
}

TEST_F(StanzaFilterTest, OutboundToBlockedIsRefusedExceptErrors) {
  EXPECT_EQ(filterFromClient(lists_, stanza("message", "chat"), jid("alice@example.org/phone"),
                             jid("mallory@example.org/x"), kDomain),
            Verdict::RefuseBlocked);
  EXPECT_EQ(filterFromClient(lists_, stanza("iq", "error"), jid("alice@example.org/phone"),
                             jid("mallory@example.org/x"), kDomain),
            Verdict::Drop);
  EXPECT_EQ(filterFromClient(lists_, stanza("message"), jid("alice@example.org/phone"), xmpp::Jid{},
                             kDomain),
            Verdict::Pass);
}

TEST_F(StanzaFilterTest, TheRefusalReachesTheBlocker) {
  auto refusal = xmpp::makeErrorReply(
      stanza("message", "chat"), xmpp::StanzaError::of(xmpp::StanzaErrorCondition::NotAcceptable));
  refusal.child("error", ns::kClient)->addChild("blocked", ns::kBlockingErrors);
  EXPECT_TRUE(isBlockedRefusal(refusal));
  EXPECT_EQ(toAlice(refusal), Verdict::Pass);
}

}  // namespace
}  // namespace kontalk::modules::blocking
