#include "xml/stored_element.hpp"

#include <gtest/gtest.h>

#include "xmpp/namespaces.hpp"

namespace kontalk::xml {
namespace {

TEST(StoredElementTest, RoundTripsTheElement) {
  xml::Element card("vCard", ns::kVcard);
  card.addChild("FN", ns::kVcard).addText("Alice <& \"Wonder\">");
  auto& photo = card.addChild("PHOTO", ns::kVcard);
  photo.addChild("TYPE", ns::kVcard).addText("image/png");
  card.addChild("X-EXT", "urn:example").setAttribute("a", "1");

  const auto parsed = parseStored(serializeStored(card));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->is("vCard", ns::kVcard));
  EXPECT_EQ(parsed->childText("FN", ns::kVcard), "Alice <& \"Wonder\">");
  ASSERT_NE(parsed->child("PHOTO", ns::kVcard), nullptr);
  EXPECT_EQ(parsed->child("PHOTO", ns::kVcard)->childText("TYPE", ns::kVcard), "image/png");
  ASSERT_NE(parsed->child("X-EXT", "urn:example"), nullptr);
  EXPECT_EQ(serializeStored(*parsed), serializeStored(card));
}

TEST(StoredElementTest, RefusesWhatIsNotOneElement) {
  EXPECT_FALSE(parseStored(""));
  EXPECT_FALSE(parseStored("<vCard xmlns='vcard-temp'>"));
  EXPECT_FALSE(parseStored("<a/><b/>"));
  EXPECT_FALSE(parseStored("</stored><x/>"));
}

}  // namespace
}  // namespace kontalk::xml
