#include "modules/push/app_server_wire.hpp"

#include <gtest/gtest.h>

#include "xml/element_text.hpp"
#include "xml/serializer.hpp"

namespace kontalk::modules::push {
namespace {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

xml::Element parsed(std::string_view text, std::string_view ns) {
  auto element = xml::parseElement(text, ns);
  if (!element) throw std::invalid_argument("bad test payload");
  return std::move(*element);
}

std::variant<AppServerRequest, StanzaError> read(std::string_view text) {
  return readAppServerRequest(parsed(text, kAppPushNamespace));
}

StanzaErrorCondition errorOf(std::string_view text) {
  auto result = read(text);
  if (!std::holds_alternative<StanzaError>(result)) return StanzaErrorCondition::UndefinedCondition;
  return std::get<StanzaError>(result).condition;
}

// The value of the summary field `var`, or nullopt when the form lacks it.
std::optional<std::string> field(const xml::Element& iq, std::string_view var) {
  const auto* form = iq.child("pubsub", kPubsubNamespace)
                         ->child("publish", kPubsubNamespace)
                         ->child("item", kPubsubNamespace)
                         ->child("notification", kAppPushNamespace)
                         ->child("x", kDataFormsNamespace);
  for (const auto* entry : form->children("field", kDataFormsNamespace)) {
    if (entry->attribute("var") == var) return entry->childText("value", kDataFormsNamespace);
  }
  return std::nullopt;
}

TEST(AppServerWireTest, EnableKeepsJidNodeAndForm) {
  auto result = read(
      "<enable xmlns='urn:xmpp:push:0' jid='push.app.example' node='yxs32'>"
      "<x xmlns='jabber:x:data' type='submit'><field var='secret'><value>s</value></field></x>"
      "</enable>");
  ASSERT_TRUE(std::holds_alternative<AppServerRequest>(result));
  const auto& request = std::get<AppServerRequest>(result);
  EXPECT_TRUE(request.enabling);
  EXPECT_EQ(request.jid, "push.app.example");
  EXPECT_EQ(request.node, "yxs32");
  ASSERT_TRUE(request.options);
  EXPECT_EQ(request.options->attribute("type"), "submit");
}

TEST(AppServerWireTest, DisableWithoutNodeMeansEveryNode) {
  auto result = read("<disable xmlns='urn:xmpp:push:0' jid='push.app.example'/>");
  ASSERT_TRUE(std::holds_alternative<AppServerRequest>(result));
  EXPECT_FALSE(std::get<AppServerRequest>(result).enabling);
  EXPECT_FALSE(std::get<AppServerRequest>(result).node);
}

TEST(AppServerWireTest, MissingJidIsBadRequestAndInvalidJidMalformed) {
  EXPECT_EQ(errorOf("<enable xmlns='urn:xmpp:push:0' node='n'/>"),
            StanzaErrorCondition::BadRequest);
  EXPECT_EQ(errorOf("<disable xmlns='urn:xmpp:push:0'/>"), StanzaErrorCondition::BadRequest);
  EXPECT_EQ(errorOf("<enable xmlns='urn:xmpp:push:0' jid='a@b@c'/>"),
            StanzaErrorCondition::JidMalformed);
  EXPECT_EQ(errorOf("<enable xmlns='urn:xmpp:push:0' jid=''/>"),
            StanzaErrorCondition::JidMalformed);
  EXPECT_EQ(errorOf("<enable xmlns='urn:xmpp:push:0' jid='a.example' node='" +
                    std::string(kMaxNodeBytes + 1, 'n') + "'/>"),
            StanzaErrorCondition::BadRequest);
  EXPECT_EQ(errorOf("<other xmlns='urn:xmpp:push:0' jid='a.example'/>"),
            StanzaErrorCondition::BadRequest);
}

TEST(AppServerWireTest, PublishCarriesTheSummaryAndOptions) {
  auto options = parsed(
      "<x xmlns='jabber:x:data' type='submit'><field var='secret'><value>s</value></field></x>",
      kDataFormsNamespace);
  auto iq = makePublish("example.net", "push.app.example", "yxs32", {3, 1, {}, {}}, options, "n12");
  EXPECT_EQ(iq.attribute("type"), "set");
  EXPECT_EQ(iq.attribute("id"), "n12");
  EXPECT_EQ(iq.attribute("from"), "example.net");
  EXPECT_EQ(iq.attribute("to"), "push.app.example");
  const auto* pubsub = iq.child("pubsub", kPubsubNamespace);
  ASSERT_NE(pubsub, nullptr);
  EXPECT_EQ(pubsub->child("publish", kPubsubNamespace)->attribute("node"), "yxs32");
  EXPECT_EQ(field(iq, "FORM_TYPE"), "urn:xmpp:push:summary");
  EXPECT_EQ(field(iq, "message-count"), "3");
  EXPECT_EQ(field(iq, "pending-subscription-count"), "1");
  EXPECT_FALSE(field(iq, "last-message-sender"));
  EXPECT_FALSE(field(iq, "last-message-body"));
  const auto* publishOptions = pubsub->child("publish-options", kPubsubNamespace);
  ASSERT_NE(publishOptions, nullptr);
  ASSERT_NE(publishOptions->child("x", kDataFormsNamespace), nullptr);
}

TEST(AppServerWireTest, SenderAndBodyOnlyWhenGivenAndTheBodyIsCut) {
  const std::string body = std::string(kMaxSummaryBodyBytes - 1, 'a') + "\xc3\xa9";  // é crosses
  auto iq = makePublish("example.net", "app.example", "", {1, 0, "bob@example.net", body},
                        std::nullopt, "n1");
  EXPECT_FALSE(iq.child("pubsub", kPubsubNamespace)
                   ->child("publish", kPubsubNamespace)
                   ->hasAttribute("node"));
  EXPECT_EQ(field(iq, "last-message-sender"), "bob@example.net");
  EXPECT_EQ(field(iq, "last-message-body"), std::string(kMaxSummaryBodyBytes - 1, 'a'));
  EXPECT_EQ(iq.child("pubsub", kPubsubNamespace)->child("publish-options", kPubsubNamespace),
            nullptr);
}

TEST(AppServerWireTest, AnswersAreDoneTransientOrPermanent) {
  EXPECT_EQ(classifyPublishAnswer(parsed("<iq type='result' id='1'/>", "jabber:client")),
            PublishAnswer::Done);
  EXPECT_EQ(classifyPublishAnswer(
                parsed("<iq type='error' id='1'><error type='wait'><resource-constraint "
                       "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                       "jabber:client")),
            PublishAnswer::Transient);
  EXPECT_EQ(
      classifyPublishAnswer(parsed("<iq type='error' id='1'><error type='cancel'><item-not-found "
                                   "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                                   "jabber:client")),
      PublishAnswer::Permanent);
  EXPECT_EQ(classifyPublishAnswer(parsed("<iq type='error' id='1'/>", "jabber:client")),
            PublishAnswer::Permanent);
}

TEST(AppServerWireTest, AffiliationNoneNamesTheNodeOfThatUserOnly) {
  auto message = parsed(
      "<message from='push.app.example' to='alice@example.net'>"
      "<pubsub xmlns='http://jabber.org/protocol/pubsub' node='yxs32'>"
      "<affiliation jid='alice@example.net' affiliation='none'/></pubsub></message>",
      "jabber:client");
  EXPECT_EQ(removedNode(message, "alice@example.net"), "yxs32");
  EXPECT_FALSE(removedNode(message, "bob@example.net"));
  auto member = parsed(
      "<message><pubsub xmlns='http://jabber.org/protocol/pubsub' node='n'>"
      "<affiliation jid='alice@example.net' affiliation='member'/></pubsub></message>",
      "jabber:client");
  EXPECT_FALSE(removedNode(member, "alice@example.net"));
  EXPECT_FALSE(removedNode(parsed("<message><body>hi</body></message>", "jabber:client"),
                           "alice@example.net"));
}

}  // namespace
}  // namespace kontalk::modules::push
