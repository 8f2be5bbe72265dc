#include "modules/pep/pubsub_request.hpp"

#include <gtest/gtest.h>

#include "xml/stored_element.hpp"

namespace kontalk::modules::pep {
namespace {

std::variant<PubsubRequest, xmpp::StanzaError> parse(std::string_view text, bool isSet) {
  auto payload = xml::parseStoredElement(text);
  EXPECT_TRUE(payload) << text;
  return parsePubsubRequest(*payload, isSet);
}

std::string pubsubCondition(const std::variant<PubsubRequest, xmpp::StanzaError>& parsed) {
  const auto& error = std::get<xmpp::StanzaError>(parsed);
  return error.application ? error.application->name() : "";
}

TEST(PubsubRequest, ReadsAPublishWithItsOptions) {
  auto parsed = parse(
      "<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:xmpp:bookmarks:1'>"
      "<item id='room@conference.example.org'><conference xmlns='urn:xmpp:bookmarks:1'/></item>"
      "</publish><publish-options><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' "
      "type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
      "<field var='pubsub#access_model'><value>whitelist</value></field></x></publish-options>"
      "</pubsub>",
      true);
  const auto& request = std::get<PubsubRequest>(parsed);
  EXPECT_EQ(request.action, PubsubAction::Publish);
  EXPECT_EQ(request.node, "urn:xmpp:bookmarks:1");
  EXPECT_EQ(request.itemId, "room@conference.example.org");
  ASSERT_TRUE(request.payload);
  EXPECT_EQ(request.payload->name(), "conference");
  ASSERT_TRUE(request.form);
  EXPECT_EQ(request.form->value("pubsub#access_model"), "whitelist");
}

TEST(PubsubRequest, RefusesPublishesWithoutOneItemAndOnePayload) {
  EXPECT_EQ(pubsubCondition(parse("<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                                  "<publish node='n'/></pubsub>",
                                  true)),
            "item-required");
  EXPECT_EQ(pubsubCondition(parse("<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                                  "<publish node='n'><item/></publish></pubsub>",
                                  true)),
            "payload-required");
  EXPECT_EQ(pubsubCondition(parse("<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                                  "<publish node='n'><item><a/><b/></item></publish></pubsub>",
                                  true)),
            "invalid-payload");
  EXPECT_EQ(pubsubCondition(parse("<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                                  "<publish><item><a/></item></publish></pubsub>",
                                  true)),
            "nodeid-required");
}

TEST(PubsubRequest, ReadsItemsRetractAndOwnerRequests) {
  auto items = std::get<PubsubRequest>(
      parse("<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='n' max_items='2'>"
            "<item id='a'/></items></pubsub>",
            false));
  EXPECT_EQ(items.action, PubsubAction::Items);
  EXPECT_EQ(items.maxItems, 2);
  EXPECT_EQ(items.itemIds, std::vector<std::string>{"a"});
  EXPECT_TRUE(std::holds_alternative<xmpp::StanzaError>(
      parse("<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='n' max_items='-1'/>"
            "</pubsub>",
            false)));
  auto retract = std::get<PubsubRequest>(
      parse("<pubsub xmlns='http://jabber.org/protocol/pubsub'><retract node='n' notify='true'>"
            "<item id='a'/></retract></pubsub>",
            true));
  EXPECT_EQ(retract.action, PubsubAction::Retract);
  EXPECT_TRUE(retract.notifyRetract);
  EXPECT_EQ(pubsubCondition(parse("<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                                  "<retract node='n'><item id='a'/><item id='b'/></retract>"
                                  "</pubsub>",
                                  true)),
            "item-required");
  auto configure = std::get<PubsubRequest>(
      parse("<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure node='n'/>"
            "</pubsub>",
            false));
  EXPECT_EQ(configure.action, PubsubAction::Configure);
  EXPECT_FALSE(configure.form);
  // A set without a form changes nothing: refused.
  EXPECT_TRUE(std::holds_alternative<xmpp::StanzaError>(
      parse("<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure node='n'/>"
            "</pubsub>",
            true)));
  auto remove = std::get<PubsubRequest>(parse(
      "<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='n'/></pubsub>", true));
  EXPECT_EQ(remove.action, PubsubAction::Delete);
  // Subscriptions are not part of PEP here.
  EXPECT_EQ(std::get<xmpp::StanzaError>(
                parse("<pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='n' "
                      "jid='a@b'/></pubsub>",
                      true))
                .condition,
            xmpp::StanzaErrorCondition::FeatureNotImplemented);
}

}  // namespace
}  // namespace kontalk::modules::pep
