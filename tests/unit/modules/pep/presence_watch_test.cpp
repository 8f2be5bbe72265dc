#include "modules/pep/presence_watch.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::pep {
namespace {

xmpp::Jid jid(const std::string& text) {
  return *xmpp::Jid::parse(text);
}

TEST(PresenceWatch, TracksAvailableResourcesAndTheirCaps) {
  PresenceWatch watch(2);
  const auto alice = jid("alice@example.org");
  EXPECT_EQ(watch.available(alice, jid("bob@example.org/phone"), "v1"), Listening::Started);
  EXPECT_EQ(watch.available(alice, jid("bob@example.org/phone"), "v1"), Listening::Unchanged);
  EXPECT_EQ(watch.available(alice, jid("bob@example.org/phone"), "v2"), Listening::Started);
  EXPECT_EQ(watch.available(alice, jid("alice@example.org/pc"), ""), Listening::Started);
  EXPECT_EQ(watch.available(alice, jid("carol@example.org/x"), "v1"), Listening::Refused);
  auto listeners = watch.listeners(alice);
  ASSERT_EQ(listeners.size(), 2u);
  EXPECT_EQ(listeners[1].resource.toString(), "bob@example.org/phone");
  EXPECT_EQ(listeners[1].ver, "v2");
  watch.unavailable(alice, jid("bob@example.org/phone"));
  EXPECT_EQ(watch.listeners(alice).size(), 1u);
  EXPECT_TRUE(watch.listeners(jid("bob@example.org")).empty());
}

}  // namespace
}  // namespace kontalk::modules::pep
