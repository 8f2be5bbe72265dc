#include "xmpp/stream_error.hpp"

#include <gtest/gtest.h>

#include "xmpp/namespaces.hpp"

namespace kontalk::xmpp {
namespace {

TEST(StreamErrorTest, BuildsConditionAndText) {
  const StreamError error{StreamErrorCondition::PolicyViolation, "too many stanzas"};
  const auto element = error.toElement();
  EXPECT_TRUE(element.is("error", ns::kStreams));
  const auto children = element.childElements();
  ASSERT_EQ(children.size(), 2u);
  EXPECT_TRUE(children[0]->is("policy-violation", ns::kStreamErrors));
  EXPECT_TRUE(children[0]->nodes().empty());
  EXPECT_TRUE(children[1]->is("text", ns::kStreamErrors));
  EXPECT_EQ(children[1]->attribute("xml:lang"), "en");
  EXPECT_EQ(children[1]->text(), "too many stanzas");
}

TEST(StreamErrorTest, OmitsEmptyText) {
  const auto element = StreamError{StreamErrorCondition::Conflict, ""}.toElement();
  ASSERT_EQ(element.childElements().size(), 1u);
  EXPECT_TRUE(element.childElements()[0]->is("conflict", ns::kStreamErrors));
}

TEST(StreamErrorTest, SeeOtherHostCarriesTheHost) {
  StreamError error{StreamErrorCondition::SeeOtherHost, ""};
  error.seeOtherHost = "[2001:db8::1]:5222";
  const auto element = error.toElement();
  EXPECT_EQ(element.childText("see-other-host", ns::kStreamErrors), "[2001:db8::1]:5222");
  const auto parsed = StreamError::fromElement(element);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->seeOtherHost, "[2001:db8::1]:5222");
}

TEST(StreamErrorTest, HandledCountTooHighCarriesXep0198sApplicationCondition) {
  const auto element = handledCountTooHigh(10, 8).toElement();
  const auto children = element.childElements();
  ASSERT_EQ(children.size(), 3u);
  EXPECT_TRUE(children[0]->is("undefined-condition", ns::kStreamErrors));
  EXPECT_TRUE(children[1]->is("text", ns::kStreamErrors));
  // RFC 6120 §4.9.4: the application-specific condition follows the defined one.
  ASSERT_TRUE(children[2]->is("handled-count-too-high", ns::kStreamManagement));
  EXPECT_EQ(children[2]->attribute("h"), "10");
  EXPECT_EQ(children[2]->attribute("send-count"), "8");
  EXPECT_EQ(StreamError::fromElement(element)->condition, StreamErrorCondition::UndefinedCondition);
}

TEST(StreamErrorTest, NamesRoundTripForEveryCondition) {
  // RFC 6120 §4.9.3 lists the conditions alphabetically, as the enum does.
  EXPECT_EQ(conditionName(StreamErrorCondition::BadFormat), "bad-format");
  EXPECT_EQ(conditionName(StreamErrorCondition::NotAuthorized), "not-authorized");
  EXPECT_EQ(conditionName(StreamErrorCondition::UnsupportedVersion), "unsupported-version");
  for (int i = 0; i <= static_cast<int>(StreamErrorCondition::UnsupportedVersion); ++i) {
    const auto condition = static_cast<StreamErrorCondition>(i);
    const StreamError error{condition, "why"};
    const auto parsed = StreamError::fromElement(error.toElement());
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->condition, condition) << conditionName(condition);
    EXPECT_EQ(parsed->text, "why");
  }
  EXPECT_EQ(streamErrorConditionFromName("no-such-condition"), std::nullopt);
}

TEST(StreamErrorTest, ReadsForeignErrors) {
  xml::Element element("error", ns::kStreams);
  element.addChild("escape-your-data", "urn:example:app");  // application-specific, ignored
  element.addChild("made-up", ns::kStreamErrors);
  const auto parsed = StreamError::fromElement(element);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->condition, StreamErrorCondition::UndefinedCondition);
  EXPECT_FALSE(StreamError::fromElement(xml::Element("error", ns::kClient)).has_value());
}

}  // namespace
}  // namespace kontalk::xmpp
