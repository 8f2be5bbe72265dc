#include "cluster/redis_connection.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace kontalk::cluster {
namespace {

TEST(ParseRedisUrlTest, ReadsHostPortAndDatabase) {
  auto address = parseRedisUrl("redis://10.0.0.5:6380/2");
  ASSERT_TRUE(address) << address.error().message;
  EXPECT_EQ(address->host, "10.0.0.5");
  EXPECT_EQ(address->port, 6380);
  EXPECT_EQ(address->database, 2);
}

TEST(ParseRedisUrlTest, DefaultsToPort6379AndDatabase0) {
  auto address = parseRedisUrl("redis://redis.internal");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->host, "redis.internal");
  EXPECT_EQ(address->port, 6379);
  EXPECT_EQ(address->database, 0);
}

TEST(ParseRedisUrlTest, RefusesWhatIsNotARedisUrl) {
  for (const char* url :
       {"", "10.0.0.5:6379", "http://host", "redis://", "redis://host:0", "redis://host:99999",
        "redis://host:x", "redis://host/-1", "redis://user:pw@host"}) {
    auto address = parseRedisUrl(url);
    ASSERT_FALSE(address) << url;
    EXPECT_EQ(address.error().code, StatusCode::InvalidArgument);
  }
}

TEST(RedisConnectionTest, NoRedisListeningIsUnavailable) {
  // Port 1 on loopback: nothing listens there.
  auto connection =
      RedisConnection::open(RedisAddress{"127.0.0.1", 1, 0}, std::chrono::milliseconds(500));
  ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().code, StatusCode::Unavailable);
}

}  // namespace
}  // namespace kontalk::cluster
