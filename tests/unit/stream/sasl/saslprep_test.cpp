#include "stream/sasl/saslprep.hpp"

#include <gtest/gtest.h>

#include <string>

namespace kontalk::sasl {
namespace {

// RFC 4013 §3 examples.
TEST(SaslprepTest, Rfc4013Examples) {
  EXPECT_EQ(saslprep("I\xc2\xadX"), "IX");    // SOFT HYPHEN mapped to nothing
  EXPECT_EQ(saslprep("user"), "user");        // no transformation
  EXPECT_EQ(saslprep("USER"), "USER");        // case preserved
  EXPECT_EQ(saslprep("\xc2\xaa"), "a");       // output is NFKC
  EXPECT_EQ(saslprep("\xe2\x85\xa8"), "IX");  // ROMAN NUMERAL NINE
  EXPECT_EQ(saslprep("\x07"), std::nullopt);  // prohibited character
  EXPECT_EQ(saslprep("\xd8\xa7"
                     "1"),
            std::nullopt);  // bidi check
}

TEST(SaslprepTest, RejectsInvalidInput) {
  EXPECT_EQ(saslprep(""), std::nullopt);
  EXPECT_EQ(saslprep("\xc2\xad"), std::nullopt);  // maps to the empty string
  EXPECT_EQ(saslprep("\xff"), std::nullopt);      // bad UTF-8
  EXPECT_EQ(saslprep(std::string("\xc3\xa9\0x", 4)), std::nullopt);
  EXPECT_EQ(saslprep("a\x7f"), std::nullopt);
  EXPECT_EQ(saslprep("\xf3\xa0\x80\x81"), std::nullopt);  // tagging character (table C.9)
}

TEST(SaslprepTest, MapsSpacesAndExpands) {
  EXPECT_EQ(saslprep("a b"), "a b");
  EXPECT_EQ(saslprep("a\xe2\x80\x83"
                     "b"),
            "a b");  // EM SPACE maps to SPACE (RFC 4013 §2.1)
  // U+FDFA expands to 18 code points under NFKC: the buffer must grow.
  const auto expanded = saslprep("\xef\xb7\xba");
  ASSERT_TRUE(expanded.has_value());
  EXPECT_GT(expanded->size(), 30u);
}

}  // namespace
}  // namespace kontalk::sasl
