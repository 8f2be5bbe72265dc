// What the s2s layer keeps about each network peer for membership (spec §7.2
// require_certificate, verify_keys).

#include "s2s/peer_trust_table.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kontalk::s2s {
namespace {

constexpr const char* kListed = "8FA6D1A3C0F1E52B6F0C9D1A7E40B2C3D4E5F601";
constexpr const char* kOther = "37D0E678CDD19FB9B182B3804C9539B401F8229C";

struct Opened {
  std::vector<std::string> domains;
  PeerTrustTable::Opener opener() {
    return [this](const std::string& domain) { domains.push_back(domain); };
  }
};

TEST(PeerTrustTableTest, WithNothingRequiredEveryPeerIsTrustedAndNoLinkOpens) {
  PeerTrustTable table(false, false);
  Opened opened;
  table.setOpener(opened.opener());
  table.record("b.test", false);
  table.recordKey("b.test", kOther);
  EXPECT_TRUE(table.trusts("b.test", kListed));
  EXPECT_TRUE(table.trusts("c.test", kListed));
  EXPECT_TRUE(opened.domains.empty());
}

TEST(PeerTrustTableTest, AnUnknownPeerIsNotTrustedAndGetsALink) {
  PeerTrustTable table(true, false);
  Opened opened;
  table.setOpener(opened.opener());
  EXPECT_FALSE(table.trusts("b.test", kListed));
  EXPECT_EQ(opened.domains, (std::vector<std::string>{"b.test"}));
  table.record("b.test", true);
  EXPECT_TRUE(table.trusts("b.test", kListed));
  EXPECT_EQ(opened.domains.size(), 1u) << "a known peer needs no link";
}

TEST(PeerTrustTableTest, TheLatestAuthenticationWins) {
  PeerTrustTable table(true, false);
  table.record("b.test", true);
  table.record("b.test", false);  // dialback alone, say on a new inbound link
  EXPECT_FALSE(table.trusts("b.test", kListed));
  table.record("b.test", true);
  EXPECT_TRUE(table.trusts("b.test", kListed));
  EXPECT_FALSE(table.trusts("c.test", kListed)) << "no opener (s2s off): unknown stays untrusted";
}

TEST(PeerTrustTableTest, VerifyKeysComparesTheFetchedKeyWithTheListAtEachQuestion) {
  PeerTrustTable table(false, true);
  Opened opened;
  table.setOpener(opened.opener());
  table.record("b.test", false);  // how it authenticated does not matter here
  EXPECT_FALSE(table.trusts("b.test", kListed)) << "its key is not known yet";
  EXPECT_EQ(opened.domains, (std::vector<std::string>{"b.test"}));
  table.recordKey("b.test", kListed);
  EXPECT_TRUE(table.trusts("b.test", kListed));
  EXPECT_FALSE(table.trusts("b.test", kOther)) << "the list changed";
  table.recordKey("b.test", "");  // a later link got no usable key
  EXPECT_FALSE(table.trusts("b.test", kListed));
  EXPECT_EQ(opened.domains.size(), 1u) << "a key that does not match is known, not unknown";
}

TEST(PeerTrustTableTest, BothRequirementsMustHold) {
  PeerTrustTable table(true, true);
  table.recordKey("b.test", kListed);
  EXPECT_FALSE(table.trusts("b.test", kListed)) << "how it authenticated is unknown";
  table.record("b.test", false);
  EXPECT_FALSE(table.trusts("b.test", kListed));
  table.record("b.test", true);
  EXPECT_TRUE(table.trusts("b.test", kListed));
}

}  // namespace
}  // namespace kontalk::s2s
