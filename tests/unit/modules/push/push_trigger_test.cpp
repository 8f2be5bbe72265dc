#include "modules/push/push_trigger.hpp"

#include <gtest/gtest.h>

#include "xmpp/test_stanzas.hpp"

namespace kontalk::modules::push {
namespace {

using std::chrono::seconds;
using xmpp::testing::stanza;

TEST(PushTriggerTest, ChatNormalAndUntypedMessagesWithABodyWake) {
  EXPECT_TRUE(wakesPhone(stanza("<message type='chat'><body>hi</body></message>")));
  EXPECT_TRUE(wakesPhone(stanza("<message type='normal'><body>hi</body></message>")));
  EXPECT_TRUE(wakesPhone(stanza("<message><body>hi</body></message>")));
}

TEST(PushTriggerTest, AReceiptRequestAloneWakes) {
  // Encrypted Kontalk messages may carry no body; they always ask for a receipt.
  EXPECT_TRUE(
      wakesPhone(stanza("<message type='chat'><request xmlns='urn:xmpp:receipts'/></message>")));
}

TEST(PushTriggerTest, ChatStatesGroupchatErrorsAndPresenceDoNotWake) {
  EXPECT_FALSE(wakesPhone(
      stanza("<message type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/>"
             "</message>")));
  EXPECT_FALSE(wakesPhone(stanza("<message type='groupchat'><body>hi</body></message>")));
  EXPECT_FALSE(wakesPhone(stanza("<message type='error'><body>hi</body></message>")));
  EXPECT_FALSE(wakesPhone(stanza("<message type='headline'><body>hi</body></message>")));
  EXPECT_FALSE(wakesPhone(stanza("<presence><status>hi</status></presence>")));
}

class StubSession final : public api::Session {
 public:
  StubSession(bool detached, std::chrono::steady_clock::time_point lastActivity)
      : jid_(xmpp::testing::parseJid("a@x/phone")), detached_(detached), last_(lastActivity) {}
  const xmpp::Jid& jid() const override { return jid_; }
  bool isAvailable() const override { return true; }
  int priority() const override { return 0; }
  const api::ClientInfo& client() const override { return client_; }
  bool isDetached() const override { return detached_; }
  std::chrono::steady_clock::time_point lastActivity() const override { return last_; }

 private:
  xmpp::Jid jid_;
  api::ClientInfo client_;
  bool detached_;
  std::chrono::steady_clock::time_point last_;
};

TEST(PushTriggerTest, OnlyAnAttachedRecentlyHeardSessionIsReachable) {
  const std::chrono::steady_clock::time_point now{seconds(1000)};
  EXPECT_TRUE(isReachable(StubSession(false, now - seconds(29)), now, seconds(30)));
  EXPECT_FALSE(isReachable(StubSession(false, now - seconds(30)), now, seconds(30)));
  EXPECT_FALSE(isReachable(StubSession(true, now), now, seconds(30)));
}

TEST(PushTriggerTest, OneReachableSessionIsEnough) {
  const std::chrono::steady_clock::time_point now{seconds(1000)};
  std::vector<std::shared_ptr<const api::Session>> sessions;
  EXPECT_FALSE(anyReachable(sessions, now, seconds(30)));
  sessions.push_back(std::make_shared<StubSession>(true, now));
  EXPECT_FALSE(anyReachable(sessions, now, seconds(30)));
  sessions.push_back(std::make_shared<StubSession>(false, now));
  EXPECT_TRUE(anyReachable(sessions, now, seconds(30)));
}

}  // namespace
}  // namespace kontalk::modules::push
