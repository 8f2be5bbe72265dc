#include "s2s/dialback_key.hpp"

#include <gtest/gtest.h>

namespace kontalk::s2s {
namespace {

// XEP-0185 §3's inputs. The expected key was computed independently of this code, with
// Python's hashlib/hmac: hmac.new(sha256(secret).hexdigest().encode(), "example.net
// example.com D60000229F".encode(), sha256).hexdigest().
TEST(DialbackKeyTest, FollowsTheXep0185Recipe) {
  EXPECT_EQ(dialbackKey("s3cr3tf0rd14lb4ck", "example.net", "example.com", "D60000229F"),
            "008c689ff366b50c63d69a3e2d2c0e0e1f8404b0118eb688a0102c87cb691bdc");
}

TEST(DialbackKeyTest, EveryInputChangesTheKey) {
  const auto key = dialbackKey("secret", "a.test", "b.test", "id1");
  EXPECT_NE(key, dialbackKey("other", "a.test", "b.test", "id1"));
  EXPECT_NE(key, dialbackKey("secret", "b.test", "a.test", "id1"));
  EXPECT_NE(key, dialbackKey("secret", "a.test", "b.test", "id2"));
}

TEST(DialbackKeyTest, MatchesOnlyTheKeyItGenerated) {
  const auto key = dialbackKey("secret", "a.test", "b.test", "id1");
  EXPECT_TRUE(dialbackKeyMatches("secret", "a.test", "b.test", "id1", key));
  EXPECT_FALSE(dialbackKeyMatches("secret", "a.test", "b.test", "id2", key));
  EXPECT_FALSE(dialbackKeyMatches("secret", "a.test", "b.test", "id1", key.substr(1)));
  EXPECT_FALSE(dialbackKeyMatches("secret", "a.test", "b.test", "id1", ""));
}

}  // namespace
}  // namespace kontalk::s2s
