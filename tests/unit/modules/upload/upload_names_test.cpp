// The names in upload URLs (src/modules/upload/upload_names.cpp, spec §8.6) and the slot
// request's parsing in both XEP-0363 syntaxes (slot_request.cpp).

#include <set>

#include <gtest/gtest.h>

#include "modules/upload/slot_request.hpp"
#include "modules/upload/upload_names.hpp"

namespace kontalk::modules::upload {
namespace {

TEST(SanitizeName, KeepsSafeCharacters) {
  EXPECT_EQ(sanitizeName("image_20200303_101507.jpg"), "image_20200303_101507.jpg");
  EXPECT_EQ(sanitizeName("A-b.C_9"), "A-b.C_9");
}

TEST(SanitizeName, ReplacesEverythingElse) {
  EXPECT_EQ(sanitizeName("my photo (1).jpg"), "my_photo__1_.jpg");
  // Inner dots stay: without a separator ".." is just two characters of a name.
  EXPECT_EQ(sanitizeName("../../etc/passwd"), "___.._etc_passwd");
  EXPECT_EQ(sanitizeName("a\\b/c\"d'e"), "a_b_c_d_e");
  // "é" is two UTF-8 bytes: two underscores.
  EXPECT_EQ(sanitizeName("caf\xc3\xa9.txt"), "caf__.txt");
}

TEST(SanitizeName, NeverDotsOnlyOrHidden) {
  EXPECT_EQ(sanitizeName("."), "_");
  EXPECT_EQ(sanitizeName(".."), "__");
  EXPECT_EQ(sanitizeName(".hidden"), "_hidden");
  EXPECT_EQ(sanitizeName(""), "file");
}

TEST(SanitizeName, ShortensKeepingTheExtension) {
  const std::string longName = std::string(300, 'x') + ".jpeg";
  const auto name = sanitizeName(longName);
  EXPECT_EQ(name.size(), kMaxNameLength);
  EXPECT_TRUE(name.ends_with(".jpeg"));
  // An "extension" as long as the name is no extension: plain truncation.
  const auto noExtension = sanitizeName("a." + std::string(300, 'y'));
  EXPECT_EQ(noExtension, "a." + std::string(kMaxNameLength - 2, 'y'));
}

TEST(SlotId, Is32Base64UrlCharactersAndFresh) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto id = newSlotId();
    EXPECT_TRUE(isSlotId(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_FALSE(isSlotId(std::string(31, 'a')));
  EXPECT_FALSE(isSlotId(std::string(31, 'a') + "+"));
  EXPECT_FALSE(isSlotId(std::string(31, 'a') + "."));
}

TEST(MediaType, ComparesTypeAndSubtypeOnly) {
  EXPECT_EQ(mediaType("image/jpeg"), "image/jpeg");
  EXPECT_EQ(mediaType("Image/JPEG; charset=x"), "image/jpeg");
  EXPECT_EQ(mediaType(" text/plain ;q=1"), "text/plain");
  EXPECT_EQ(mediaType("text"), "");
  EXPECT_EQ(mediaType("text/"), "");
  EXPECT_EQ(mediaType("/plain"), "");
  EXPECT_EQ(mediaType("a/b/c"), "");
  EXPECT_EQ(mediaType("text/pl\r\nain"), "");
}

xml::Element elementRequest(const std::string& filename, const std::string& size,
                            const std::string& type) {
  xml::Element request("request", kUploadNamespace);
  request.addChild("filename", kUploadNamespace).addText(filename);
  request.addChild("size", kUploadNamespace).addText(size);
  if (!type.empty()) request.addChild("content-type", kUploadNamespace).addText(type);
  return request;
}

TEST(SlotRequest, ParsesBothSyntaxes) {
  auto parsed = parseSlotRequest(elementRequest("a.jpg", "482133", "image/jpeg"));
  ASSERT_TRUE(std::holds_alternative<SlotRequest>(parsed));
  const auto& slot = std::get<SlotRequest>(parsed);
  EXPECT_EQ(slot.xmlns, kUploadNamespace);
  EXPECT_EQ(slot.filename, "a.jpg");
  EXPECT_EQ(slot.size, 482133u);
  EXPECT_EQ(slot.contentType, "image/jpeg");

  xml::Element zero("request", kUploadNamespace0);
  zero.setAttribute("filename", "b.txt");
  zero.setAttribute("size", "12");
  auto parsedZero = parseSlotRequest(zero);
  ASSERT_TRUE(std::holds_alternative<SlotRequest>(parsedZero));
  EXPECT_EQ(std::get<SlotRequest>(parsedZero).xmlns, kUploadNamespace0);
  EXPECT_EQ(std::get<SlotRequest>(parsedZero).size, 12u);
  EXPECT_EQ(std::get<SlotRequest>(parsedZero).contentType, "");
}

TEST(SlotRequest, RefusesBadInputWithBadRequest) {
  for (const auto& request :
       {elementRequest("", "1", ""), elementRequest("a", "0", ""), elementRequest("a", "-1", ""),
        elementRequest("a", "1x", ""), elementRequest("a", "", ""),
        elementRequest("a", "99999999999999999999999", ""), elementRequest("a", "1", "not a type"),
        elementRequest("a", "1", "text/plain\x7f")}) {
    auto parsed = parseSlotRequest(request);
    ASSERT_TRUE(std::holds_alternative<xmpp::StanzaError>(parsed));
    EXPECT_EQ(std::get<xmpp::StanzaError>(parsed).condition,
              xmpp::StanzaErrorCondition::BadRequest);
  }
}

TEST(SlotRequest, FileTooLargeCarriesTheLimitInTheRequestsNamespace) {
  const auto error = fileTooLarge(kUploadNamespace0, 20971520).toElement();
  const auto* tooLarge = error.child("file-too-large", kUploadNamespace0);
  ASSERT_NE(tooLarge, nullptr);
  EXPECT_EQ(tooLarge->childText("max-file-size", kUploadNamespace0), "20971520");
  EXPECT_EQ(error.attribute("type"), "modify");
}

}  // namespace
}  // namespace kontalk::modules::upload
