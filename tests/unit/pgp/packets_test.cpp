#include "pgp/packets.hpp"

#include <gtest/gtest.h>

namespace kontalk::pgp::packets {
namespace {

TEST(PacketsTest, SplitsNewAndOldFormatPackets) {
  // New format tag 13 (user id) "ab"; old format tag 2 (signature), one-octet length, "xyz".
  const std::string data = std::string(
                               "\xCD\x02"
                               "ab",
                               4) +
                           std::string(
                               "\x88\x03"
                               "xyz",
                               5);
  auto packets = split(data);
  ASSERT_TRUE(packets) << packets.error().message;
  ASSERT_EQ(packets->size(), 2u);
  EXPECT_EQ((*packets)[0].tag, kUserId);
  EXPECT_EQ((*packets)[0].body, "ab");
  EXPECT_EQ((*packets)[1].tag, kSignature);
  EXPECT_EQ((*packets)[1].body, "xyz");
  EXPECT_EQ((*packets)[1].whole.size(), 5u);
}

TEST(PacketsTest, TwoOctetNewFormatLength) {
  const std::string body(300, 'x');
  // RFC 4880 §4.2.2.2: 300 = ((0xC0 - 192) << 8) + 0x6C + 192.
  const std::string data = std::string("\xCD\xC0\x6C", 3) + body;
  auto packets = split(data);
  ASSERT_TRUE(packets);
  EXPECT_EQ((*packets)[0].body.size(), 300u);
}

TEST(PacketsTest, FrameRoundTrips) {
  const std::string body(1000, '\x01');
  const std::string framed = frame(kSignature, body);  // packets view into it
  auto packets = split(framed);
  ASSERT_TRUE(packets);
  ASSERT_EQ(packets->size(), 1u);
  EXPECT_EQ((*packets)[0].tag, kSignature);
  EXPECT_EQ((*packets)[0].body, body);
}

TEST(PacketsTest, RefusesTruncatedAndPartialAndNonPackets) {
  EXPECT_FALSE(
      split(std::string("\xCD\x05"
                        "ab",
                        4)));                   // body shorter than its length
  EXPECT_FALSE(split(std::string("\xCD", 1)));  // no length
  EXPECT_FALSE(
      split(std::string("\xCD\xE1"
                        "ab",
                        4)));  // partial body length
  EXPECT_FALSE(
      split(std::string("\x8B"
                        "abc",
                        4)));                       // indeterminate old length
  EXPECT_FALSE(split(std::string("\x01\x02", 2)));  // not a packet header
}

TEST(PacketsTest, MpiRoundTripsAndStripsLeadingZeros) {
  const std::string mpi = writeMpi(std::string("\x00\x01\xFF", 3));
  EXPECT_EQ(mpi, std::string("\x00\x09\x01\xFF", 4));  // 9 significant bits
  std::size_t offset = 0;
  auto value = readMpi(mpi, offset);
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, std::string("\x01\xFF", 2));
  EXPECT_EQ(offset, mpi.size());
}

TEST(PacketsTest, RefusesTruncatedMpi) {
  std::size_t offset = 0;
  EXPECT_FALSE(readMpi(std::string("\x00\x10\x01", 3), offset));
  offset = 5;
  EXPECT_FALSE(readMpi(std::string("\x00\x01", 2), offset));
}

}  // namespace
}  // namespace kontalk::pgp::packets
