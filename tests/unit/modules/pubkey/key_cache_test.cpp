#include "modules/pubkey/key_cache.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::pubkey {
namespace {

const std::string kAlice = "alice@example.net";

CachedKey key(std::string fingerprint) {
  return CachedKey{std::move(fingerprint), "BASE64KEY"};
}

TEST(KeyCacheTest, AKeyLoadedBeforeTheBindIsThereForTheFirstPresence) {
  KeyCache cache(10);
  cache.put(kAlice, key("AAAA"));
  cache.markOnline(kAlice);
  EXPECT_EQ(cache.fingerprint(kAlice), "AAAA");
  EXPECT_EQ(cache.onlineKey(kAlice)->keyBase64, "BASE64KEY");
}

TEST(KeyCacheTest, AChangedKeyReplacesTheOldOneAtOnce) {
  KeyCache cache(10);
  cache.put(kAlice, key("AAAA"));
  cache.markOnline(kAlice);
  cache.put(kAlice, key("BBBB"));
  EXPECT_EQ(cache.fingerprint(kAlice), "BBBB");
}

TEST(KeyCacheTest, AnAccountGoneOfflineKeepsOnlyItsFingerprint) {
  KeyCache cache(10);
  cache.put(kAlice, key("AAAA"));
  cache.markOnline(kAlice);
  cache.markOffline(kAlice);
  EXPECT_EQ(cache.fingerprint(kAlice), "AAAA");  // for the unavailable presence sent for it
  EXPECT_FALSE(cache.onlineKey(kAlice));
}

TEST(KeyCacheTest, OfflineAccountsAreBoundedButOnlineOnesAreNeverEvicted) {
  KeyCache cache(2);
  cache.put(kAlice, key("AAAA"));
  cache.markOnline(kAlice);
  for (int i = 0; i < 100; ++i) {
    const std::string other = "user" + std::to_string(i) + "@example.net";
    cache.put(other, key("CCCC"));
    cache.markOnline(other);
    cache.markOffline(other);
  }
  EXPECT_EQ(cache.size(), 3u);  // alice and the two most recently offline
  EXPECT_EQ(cache.fingerprint(kAlice), "AAAA");
  EXPECT_TRUE(cache.fingerprint("user99@example.net"));
  EXPECT_FALSE(cache.fingerprint("user0@example.net"));
}

// A key loaded for a bind that then failed (too many sessions) must not stay pinned.
TEST(KeyCacheTest, AKeyLoadedForABindThatNeverHappenedIsEvictable) {
  KeyCache cache(1);
  cache.put(kAlice, key("AAAA"));
  cache.put("bob@example.net", key("BBBB"));
  EXPECT_FALSE(cache.fingerprint(kAlice));
}

}  // namespace
}  // namespace kontalk::modules::pubkey
