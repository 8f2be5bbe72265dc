#include "stream/sasl_external.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace kontalk::stream {
namespace {

bool offers(const std::vector<std::string>& mechanisms, const std::string& name) {
  return std::find(mechanisms.begin(), mechanisms.end(), name) != mechanisms.end();
}

TEST(SaslExternalTest, OfferedFirstOverTlsWithAClientCertificate) {
  const auto mechanisms = offeredSaslMechanisms(true, false, true);
  ASSERT_FALSE(mechanisms.empty());
  EXPECT_EQ(mechanisms.front(), "EXTERNAL");
  EXPECT_TRUE(offers(mechanisms, "SCRAM-SHA-256"));  // password accounts keep working
}

TEST(SaslExternalTest, NotOfferedWithoutCertificateOrWithoutTls) {
  EXPECT_FALSE(offers(offeredSaslMechanisms(true, false, false), "EXTERNAL"));
  EXPECT_FALSE(offers(offeredSaslMechanisms(false, true, true), "EXTERNAL"));
  EXPECT_FALSE(offers(offeredSaslMechanisms(true, false), "EXTERNAL"));
}

}  // namespace
}  // namespace kontalk::stream
