#include "s2s/srv_lookup.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace kontalk::s2s {
namespace {

using Bytes = std::vector<unsigned char>;

void appendUint16(Bytes& bytes, std::uint16_t value) {
  bytes.push_back(static_cast<unsigned char>(value >> 8));
  bytes.push_back(static_cast<unsigned char>(value & 0xff));
}

void appendName(Bytes& bytes, const std::string& name) {
  std::size_t start = 0;
  while (start < name.size()) {
    const std::size_t dot = name.find('.', start);
    const std::size_t end = dot == std::string::npos ? name.size() : dot;
    bytes.push_back(static_cast<unsigned char>(end - start));
    bytes.insert(bytes.end(), name.begin() + static_cast<long>(start),
                 name.begin() + static_cast<long>(end));
    start = end + 1;
  }
  bytes.push_back(0);
}

struct Record {
  std::uint16_t priority;
  std::uint16_t weight;
  std::uint16_t port;
  std::string target;  // "" for "."
};

// A DNS answer (RFC 1035 §4.1) to "_xmpp-server._tcp.example.org IN SRV" with `records`; each
// answer's owner name is a compression pointer to the question's name (offset 12).
Bytes answer(const std::vector<Record>& records) {
  Bytes message;
  appendUint16(message, 0x1234);  // id
  appendUint16(message, 0x8180);  // response, recursion desired and available, no error
  appendUint16(message, 1);       // questions
  appendUint16(message, static_cast<std::uint16_t>(records.size()));
  appendUint16(message, 0);
  appendUint16(message, 0);
  appendName(message, "_xmpp-server._tcp.example.org");
  appendUint16(message, 33);  // SRV
  appendUint16(message, 1);   // IN
  for (const auto& record : records) {
    appendUint16(message, 0xc00c);
    appendUint16(message, 33);
    appendUint16(message, 1);
    appendUint16(message, 0);
    appendUint16(message, 300);  // TTL
    Bytes data;
    appendUint16(data, record.priority);
    appendUint16(data, record.weight);
    appendUint16(data, record.port);
    appendName(data, record.target);
    appendUint16(message, static_cast<std::uint16_t>(data.size()));
    message.insert(message.end(), data.begin(), data.end());
  }
  return message;
}

TEST(SrvLookupTest, TargetsComeByPriorityThenWeight) {
  const auto targets = parseSrvAnswer(answer({{20, 0, 5270, "backup.example.org"},
                                              {10, 10, 5269, "light.example.org"},
                                              {10, 60, 5269, "heavy.example.org"}}));
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0].host, "heavy.example.org");
  EXPECT_EQ(targets[1].host, "light.example.org");
  EXPECT_EQ(targets[2].host, "backup.example.org");
  EXPECT_EQ(targets[2].port, 5270);
}

TEST(SrvLookupTest, ASingleDotTargetMeansNoService) {
  EXPECT_TRUE(parseSrvAnswer(answer({{0, 0, 0, ""}})).empty());
}

TEST(SrvLookupTest, AMalformedMessageGivesNoTargets) {
  auto message = answer({{10, 0, 5269, "xmpp.example.org"}});
  message.resize(message.size() - 5);  // the last record is cut short
  EXPECT_TRUE(parseSrvAnswer(message).empty());
  EXPECT_TRUE(parseSrvAnswer(Bytes{1, 2, 3}).empty());
}

}  // namespace
}  // namespace kontalk::s2s
