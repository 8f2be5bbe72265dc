#include "modules/push/push_request.hpp"

#include <gtest/gtest.h>

#include "xml/element_text.hpp"

namespace kontalk::modules::push {
namespace {

xml::Element payload(std::string_view text) {
  auto element = xml::parseElement(text, kPushNamespace);
  if (!element) throw std::invalid_argument("bad test payload");
  return std::move(*element);
}

TEST(PushRequestTest, RegisterCarriesTheTrimmedToken) {
  auto read = readPushRequest(
      payload("<register xmlns='http://kontalk.org/extensions/presence#push' provider='gcm'>\n"
              "  fJr3TOKEN \n</register>"));
  ASSERT_TRUE(std::holds_alternative<PushRequest>(read));
  const auto& request = std::get<PushRequest>(read);
  EXPECT_TRUE(request.registering);
  EXPECT_EQ(request.provider, "gcm");
  EXPECT_EQ(request.token, "fJr3TOKEN");
}

TEST(PushRequestTest, UnregisterNeedsNoToken) {
  auto read = readPushRequest(
      payload("<unregister xmlns='http://kontalk.org/extensions/presence#push' provider='gcm'/>"));
  ASSERT_TRUE(std::holds_alternative<PushRequest>(read));
  EXPECT_FALSE(std::get<PushRequest>(read).registering);
}

TEST(PushRequestTest, EmptyAndOversizedTokensAreBadRequests) {
  for (const std::string& token : {std::string(), std::string("   "), std::string(4097, 'x')}) {
    auto read = readPushRequest(
        payload("<register xmlns='http://kontalk.org/extensions/presence#push' provider='gcm'>" +
                token + "</register>"));
    ASSERT_TRUE(std::holds_alternative<xmpp::StanzaError>(read)) << token.size();
    EXPECT_EQ(std::get<xmpp::StanzaError>(read).condition, xmpp::StanzaErrorCondition::BadRequest);
  }
  auto largest = readPushRequest(
      payload("<register xmlns='http://kontalk.org/extensions/presence#push' provider='gcm'>" +
              std::string(4096, 'x') + "</register>"));
  EXPECT_TRUE(std::holds_alternative<PushRequest>(largest));
}

TEST(PushRequestTest, OtherElementsAreBadRequests) {
  auto read = readPushRequest(
      payload("<subscribe xmlns='http://kontalk.org/extensions/presence#push' provider='gcm'/>"));
  ASSERT_TRUE(std::holds_alternative<xmpp::StanzaError>(read));
}

}  // namespace
}  // namespace kontalk::modules::push
