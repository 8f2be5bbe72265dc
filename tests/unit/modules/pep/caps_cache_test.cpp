#include "modules/pep/caps_cache.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::pep {
namespace {

CapsWaiter waiter(const std::string& resource) {
  return {*xmpp::Jid::parse("alice@example.org"), *xmpp::Jid::parse("bob@example.org/" + resource)};
}

TEST(CapsCache, AsksOncePerVersionAndHandsTheAnswerToEveryWaiter) {
  CapsCache cache(8);
  EXPECT_FALSE(cache.find("v1"));
  EXPECT_TRUE(cache.await("v1", waiter("a")));
  EXPECT_FALSE(cache.await("v1", waiter("b")));
  auto waiters = cache.learn("v1", {"urn:xmpp:avatar:metadata+notify"});
  ASSERT_EQ(waiters.size(), 2u);
  EXPECT_EQ(waiters[1].resource.toString(), "bob@example.org/b");
  ASSERT_TRUE(cache.find("v1"));
  EXPECT_TRUE(cache.find("v1")->contains("urn:xmpp:avatar:metadata+notify"));
}

TEST(CapsCache, AFailedQuestionIsAskedAgainByTheNextAnnouncement) {
  CapsCache cache(8);
  EXPECT_TRUE(cache.await("v1", waiter("a")));
  cache.forget("v1");
  EXPECT_FALSE(cache.find("v1"));
  EXPECT_TRUE(cache.await("v1", waiter("b")));
}

TEST(CapsCache, IsBoundedInVersionsQuestionsAndWaiters) {
  CapsCache cache(2);
  EXPECT_TRUE(cache.await("q1", waiter("a")));
  EXPECT_TRUE(cache.await("q2", waiter("a")));
  EXPECT_FALSE(cache.await("q3", waiter("a")));  // two questions out already
  for (std::size_t i = 0; i < CapsCache::kMaxWaiters + 10; ++i) cache.await("q1", waiter("x"));
  EXPECT_EQ(cache.learn("q1", {}).size(), CapsCache::kMaxWaiters);
  cache.learn("v2", {"b"});
  cache.learn("v3", {"c"});
  EXPECT_FALSE(cache.find("q1"));  // the oldest learned went
  EXPECT_TRUE(cache.find("v2"));
  EXPECT_TRUE(cache.find("v3"));
}

}  // namespace
}  // namespace kontalk::modules::pep
