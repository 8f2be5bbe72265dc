#include "xml/stored_element.hpp"
#include "xml/serializer.hpp"

#include <gtest/gtest.h>

namespace kontalk::xml {
namespace {

constexpr const char* kVcard = "vcard-temp";

TEST(StoredElementTest, RoundTripsTheElement) {
  xml::Element card("vCard", kVcard);
  card.addChild("FN", kVcard).addText("Alice <& \"Wonder\">");
  auto& photo = card.addChild("PHOTO", kVcard);
  photo.addChild("TYPE", kVcard).addText("image/png");
  card.addChild("X-EXT", "urn:example").setAttribute("a", "1");

  const auto parsed = parseStoredElement(serialize(card));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->is("vCard", kVcard));
  EXPECT_EQ(parsed->childText("FN", kVcard), "Alice <& \"Wonder\">");
  ASSERT_NE(parsed->child("PHOTO", kVcard), nullptr);
  EXPECT_EQ(parsed->child("PHOTO", kVcard)->childText("TYPE", kVcard), "image/png");
  ASSERT_NE(parsed->child("X-EXT", "urn:example"), nullptr);
  EXPECT_EQ(serialize(*parsed), serialize(card));
}

TEST(StoredElementTest, RefusesWhatIsNotOneElement) {
  EXPECT_FALSE(parseStoredElement(""));
  EXPECT_FALSE(parseStoredElement("<vCard xmlns='vcard-temp'>"));
  EXPECT_FALSE(parseStoredElement("<a/><b/>"));
  EXPECT_FALSE(parseStoredElement("</stored><x/>"));
}

}  // namespace
}  // namespace kontalk::xml
