#include "net/session_ticket_keys.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace kontalk::net {
namespace {

using std::chrono::seconds;

// Keys numbered in the order they were made: name[0] says which.
class NumberedKeys {
 public:
  TicketKey operator()() {
    TicketKey key;
    key.name[0] = ++made_;
    return key;
  }
  int made() const { return made_; }

 private:
  unsigned char made_ = 0;
};

class TicketKeyRingTest : public ::testing::Test {
 protected:
  TicketKeyRing::Clock::time_point at(int second) const { return start_ + seconds(second); }

  TicketKeyRing::Clock::time_point start_ = TicketKeyRing::Clock::now();
  NumberedKeys keys_;
  TicketKeyRing ring_{seconds(100), [this] { return keys_(); }};
};

TEST_F(TicketKeyRingTest, OneKeyEncryptsForALifetime) {
  const auto first = ring_.forEncryption(at(0));
  EXPECT_EQ(ring_.forEncryption(at(99)).name, first.name);
  EXPECT_EQ(keys_.made(), 1);
  EXPECT_NE(ring_.forEncryption(at(100)).name, first.name);
  EXPECT_EQ(keys_.made(), 2);
}

TEST_F(TicketKeyRingTest, TheCurrentKeyDecryptsWithoutRenewal) {
  const auto key = ring_.forEncryption(at(0));
  auto found = ring_.forDecryption(key.name, at(50));
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->renew);
}

TEST_F(TicketKeyRingTest, ThePreviousKeyDecryptsItsTicketsUntilTheyExpireAndAsksForRenewal) {
  const auto old = ring_.forEncryption(at(0));
  // Noticed at 150, but the old key stopped encrypting at 100: its last tickets expire at 200.
  ring_.forEncryption(at(150));
  auto found = ring_.forDecryption(old.name, at(199));
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->renew);
  EXPECT_FALSE(ring_.forDecryption(old.name, at(200))) << "kept past its tickets' lifetime";
}

TEST_F(TicketKeyRingTest, AKeyIsForgottenAfterTwoRotations) {
  const auto first = ring_.forEncryption(at(0));
  ring_.forEncryption(at(100));
  ring_.forEncryption(at(200));
  EXPECT_FALSE(ring_.forDecryption(first.name, at(200)));
}

TEST_F(TicketKeyRingTest, RotationAlsoHappensWhenOnlyDecrypting) {
  const auto first = ring_.forEncryption(at(0));
  // No handshake issued a ticket for a long time: the key must not have stayed current.
  EXPECT_FALSE(ring_.forDecryption(first.name, at(1000)));
}

TEST_F(TicketKeyRingTest, AnUnknownNameFindsNothing) {
  ring_.forEncryption(at(0));
  std::array<unsigned char, 16> stranger{};
  stranger.fill(0xee);
  EXPECT_FALSE(ring_.forDecryption(stranger, at(1)));
}

}  // namespace
}  // namespace kontalk::net
