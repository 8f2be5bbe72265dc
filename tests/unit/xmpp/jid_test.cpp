#include "xmpp/jid.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>
#include <vector>

namespace kontalk::xmpp {
namespace {

struct ValidCase {
  std::string input;
  std::string local;
  std::string domain;
  std::string resource;
};

// RFC 7622 §3.5 examples, as prepared by the RFC 6122 stringprep profiles, plus our own.
const std::vector<ValidCase> kValid{
    {"juliet@example.com", "juliet", "example.com", ""},
    {"juliet@example.com/foo", "juliet", "example.com", "foo"},
    {"juliet@example.com/foo bar", "juliet", "example.com", "foo bar"},
    {"juliet@example.com/foo@bar", "juliet", "example.com", "foo@bar"},
    {"foo\\20bar@example.com", "foo\\20bar", "example.com", ""},
    {"fussball@example.com", "fussball", "example.com", ""},
    {"fu\xc3\x9f"
     "ball@example.com",
     "fussball", "example.com", ""},                                 // ß case-folds to "ss"
    {"\xcf\x80@example.com", "\xcf\x80", "example.com", ""},         // π
    {"\xce\xa3@example.com/foo", "\xcf\x83", "example.com", "foo"},  // Σ -> σ
    {"\xcf\x82@example.com/foo", "\xcf\x83", "example.com", "foo"},  // final ς -> σ
    {"king@example.com/\xe2\x99\x9a", "king", "example.com", "\xe2\x99\x9a"},  // resource ♚
    {"example.com", "", "example.com", ""},
    {"example.com/foobar", "", "example.com", "foobar"},
    {"a.example.com/b@example.net", "", "a.example.com", "b@example.net"},
    // Our own: case folding, trailing dot, IP literals, resource case kept.
    {"\xc3\x9f"
     "A@Example.COM/Res",
     "ssa", "example.com", "Res"},
    {"JULIET@EXAMPLE.COM.", "juliet", "example.com", ""},
    {"user@caf\xc3\x89.example", "user", "caf\xc3\xa9.example", ""},  // nameprep lowercases É
    {"user@127.0.0.1/r", "user", "127.0.0.1", "r"},
    {"user@[::1]/r", "user", "[::1]", "r"},
    {"[2001:DB8::1]", "", "[2001:db8::1]", ""},
    {"a@b/c/d", "a", "b", "c/d"},
    {"a/b@c", "", "a", "b@c"},
    {"henry\xe2\x85\xa3@example.com", "henryiv", "example.com", ""},  // NFKC of Ⅳ
    {"a\xc2\xad"
     "b@example.com",
     "ab", "example.com", ""},  // soft hyphen maps to nothing
    {"local@sub_domain.example", "local", "sub_domain.example", ""},
};

TEST(JidTest, ParsesValidJids) {
  for (const auto& c : kValid) {
    const auto jid = Jid::parse(c.input);
    ASSERT_TRUE(jid.has_value()) << c.input;
    EXPECT_EQ(jid->local(), c.local) << c.input;
    EXPECT_EQ(jid->domain(), c.domain) << c.input;
    EXPECT_EQ(jid->resource(), c.resource) << c.input;
  }
}

TEST(JidTest, RejectsInvalidJids) {
  const std::string longPart(1024, 'a');
  const std::vector<std::string> invalid{
      "",
      "\"juliet\"@example.com",  // RFC 7622 §3.5: quotes are prohibited in a localpart
      "foo bar@example.com",     // space prohibited in a localpart
      "juliet@example.com/",     // empty resource with separator
      "@example.com/",
      "@example.com",
      "juliet@",
      "/foobar",
      "domain/",
      "a@b@c",  // '@' in the domainpart
      "a&b@example.com",
      "a'b@example.com",
      "a:b@example.com",
      "a<b@example.com",
      "a>b@example.com",
      "a\x01"
      "b@example.com",
      "example.com/a\x7f",
      "exa mple.com",
      "example..com",
      ".example.com",
      "example.com..",
      ".",
      "\xe2\x80\x8b@example.com",  // zero-width space maps to nothing: empty localpart
      "\xff@example.com",          // bad UTF-8
      "a\xc0\x80@example.com",     // overlong NUL
      "example.com/\xed\xa0\x80",  // UTF-16 surrogate in UTF-8
      "caf\xc3@example.com",       // truncated sequence
      "user@[::1",
      "user@[::g]",
      "user@[]",
      "user@[127.0.0.1]",  // IPv4 is written without brackets
      "\xe2\x80\x8f\xd7\x90"
      "a@example.com",  // bidi: RandALCat mixed with LCat
      longPart + "@example.com",
      "user@" + longPart,
      "user@example.com/" + longPart,
      std::string("a\0b@example.com", 15),
  };
  for (const auto& text : invalid) {
    EXPECT_FALSE(Jid::parse(text).has_value()) << text;
  }
}

// Found by tests/fuzz (jid): inet_pton reads the bracketed address only up to a NUL, so anything
// after one (NUL, '@', control characters) ended up in the domainpart, and the JID's text then
// parsed as another JID.
TEST(JidTest, RejectsIpLiteralWithEmbeddedNul) {
  using namespace std::string_literals;
  EXPECT_FALSE(Jid::parse("n@[::1\0]"s).has_value());
  EXPECT_FALSE(Jid::parse("n@[::1\0\0@\0\x11]/r"s).has_value());
  EXPECT_FALSE(Jid::fromParts("n", "[::1\0x]"s).has_value());
  EXPECT_TRUE(Jid::parse("n@[::1]").has_value());
}

TEST(JidTest, AcceptsPartsOfExactly1023Bytes) {
  const std::string part(1023, 'a');
  const auto jid = Jid::parse(part + "@" + part + "/" + part);
  ASSERT_TRUE(jid.has_value());
  EXPECT_EQ(jid->local(), part);
  EXPECT_EQ(jid->domain(), part);
  EXPECT_EQ(jid->resource(), part);
}

TEST(JidTest, LengthLimitAppliesAfterPreparation) {
  // 512 "ß" are 1024 bytes as input but fold to 1024 bytes of "ss": too long.
  std::string sharpS;
  for (int i = 0; i < 512; ++i) sharpS += "\xc3\x9f";
  EXPECT_FALSE(Jid::parse(sharpS + "@example.com").has_value());
  // 511 "ß" plus "a" fold to exactly 1023 bytes.
  EXPECT_TRUE(Jid::parse(sharpS.substr(2) + "a@example.com").has_value());
}

TEST(JidTest, AsciiFastPathMatchesStringprepTables) {
  for (int c = 1; c < 0x80; ++c) {
    const std::string ch(1, static_cast<char>(c));
    const bool control = c < 0x20 || c == 0x7f;
    const bool nodeProhibited = control || std::string(" \"&'/:<>@").find(ch) != std::string::npos;
    const auto local = nodeprep("x" + ch);
    EXPECT_EQ(local.has_value(), !nodeProhibited) << c;
    if (local) {
      const char expected = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : static_cast<char>(c);
      EXPECT_EQ(*local, std::string("x") + expected) << c;
    }
    const auto resource = resourceprep("x" + ch);
    EXPECT_EQ(resource.has_value(), !control) << c;
    if (resource) {
      EXPECT_EQ(*resource, "x" + ch) << c;  // resourceprep does not fold case
    }
  }
}

TEST(JidTest, RoundTripsThroughToString) {
  for (const auto& c : kValid) {
    const auto jid = Jid::parse(c.input);
    ASSERT_TRUE(jid.has_value()) << c.input;
    const auto again = Jid::parse(jid->toString());
    ASSERT_TRUE(again.has_value()) << jid->toString();
    EXPECT_EQ(*again, *jid);
  }
}

TEST(JidTest, FormatsAndDerives) {
  const auto jid = Jid::parse("Romeo@Montague.example/Orchard");
  ASSERT_TRUE(jid.has_value());
  EXPECT_EQ(jid->toString(), "romeo@montague.example/Orchard");
  EXPECT_EQ(jid->bareString(), "romeo@montague.example");
  EXPECT_FALSE(jid->isBare());
  EXPECT_FALSE(jid->isDomain());

  const Jid bare = jid->bare();
  EXPECT_TRUE(bare.isBare());
  EXPECT_EQ(bare.toString(), "romeo@montague.example");
  EXPECT_EQ(bare.withResource("Balcony").toString(), "romeo@montague.example/Balcony");

  const auto domain = Jid::parse("montague.example");
  ASSERT_TRUE(domain.has_value());
  EXPECT_TRUE(domain->isDomain());
  EXPECT_EQ(domain->toString(), "montague.example");
  EXPECT_EQ(domain->withResource("r").toString(), "montague.example/r");

  EXPECT_TRUE(Jid().isEmpty());
  EXPECT_FALSE(jid->isEmpty());
}

TEST(JidTest, FromPartsPreparesEachPart) {
  const auto jid = Jid::fromParts("Juliet", "Capulet.Example", "Balcony");
  ASSERT_TRUE(jid.has_value());
  EXPECT_EQ(jid->toString(), "juliet@capulet.example/Balcony");
  EXPECT_EQ(Jid::fromParts("", "example.com"), Jid::parse("example.com"));
  EXPECT_FALSE(Jid::fromParts("a@b", "example.com").has_value());
  EXPECT_FALSE(Jid::fromParts("a", "").has_value());
  EXPECT_FALSE(Jid::fromParts("a", "example.com", "\x01").has_value());
}

TEST(JidTest, EqualJidsHashEqually) {
  std::unordered_set<Jid> set;
  set.insert(*Jid::parse("USER@example.com/r"));
  EXPECT_EQ(set.count(*Jid::parse("user@EXAMPLE.com./r")), 1u);
  EXPECT_EQ(set.count(*Jid::parse("user@example.com/R")), 0u);
}

}  // namespace
}  // namespace kontalk::xmpp
