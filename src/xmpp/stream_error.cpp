#include "xmpp/stream_error.hpp"

#include <array>

#include "xmpp/namespaces.hpp"

namespace kontalk::xmpp {
namespace {

// Indexed by StreamErrorCondition (RFC 6120 §4.9.3).
constexpr std::array<std::string_view, 25> kNames{
    "bad-format",
    "bad-namespace-prefix",
    "conflict",
    "connection-timeout",
    "host-gone",
    "host-unknown",
    "improper-addressing",
    "internal-server-error",
    "invalid-from",
    "invalid-namespace",
    "invalid-xml",
    "not-authorized",
    "not-well-formed",
    "policy-violation",
    "remote-connection-failed",
    "reset",
    "resource-constraint",
    "restricted-xml",
    "see-other-host",
    "system-shutdown",
    "undefined-condition",
    "unsupported-encoding",
    "unsupported-feature",
    "unsupported-stanza-type",
    "unsupported-version",
};
static_assert(kNames.size() ==
                  static_cast<std::size_t>(StreamErrorCondition::UnsupportedVersion) + 1,
              "every StreamErrorCondition needs a name");

}  // namespace

std::string_view conditionName(StreamErrorCondition condition) {
  return kNames.at(static_cast<std::size_t>(condition));
}

std::optional<StreamErrorCondition> streamErrorConditionFromName(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<StreamErrorCondition>(i);
  }
  return std::nullopt;
}

xml::Element StreamError::toElement() const {
  xml::Element error("error", ns::kStreams);
  auto& conditionElement = error.addChild(std::string(conditionName(condition)), ns::kStreamErrors);
  if (condition == StreamErrorCondition::SeeOtherHost && !seeOtherHost.empty()) {
    conditionElement.addText(seeOtherHost);
  }
  if (!text.empty()) {
    auto& textElement = error.addChild("text", ns::kStreamErrors);
    textElement.setAttribute("xml:lang", "en");
    textElement.addText(text);
  }
  if (applicationCondition) error.addChild(*applicationCondition);
  return error;
}

StreamError handledCountTooHigh(std::uint32_t h, std::uint32_t sendCount) {
  xml::Element condition("handled-count-too-high", ns::kStreamManagement);
  condition.setAttribute("h", std::to_string(h));
  condition.setAttribute("send-count", std::to_string(sendCount));
  return StreamError{StreamErrorCondition::UndefinedCondition,
                     "Handled count too high: h='" + std::to_string(h) + "', " +
                         std::to_string(sendCount) + " stanza(s) sent.",
                     {},
                     std::move(condition)};
}

std::optional<StreamError> StreamError::fromElement(const xml::Element& element) {
  if (!element.is("error", ns::kStreams)) return std::nullopt;
  StreamError error;
  for (const auto* child : element.childElements()) {
    if (child->xmlns() != ns::kStreamErrors) continue;  // application-specific conditions
    if (child->name() == "text") {
      error.text = child->text();
    } else if (const auto condition = streamErrorConditionFromName(child->name())) {
      error.condition = *condition;
      if (*condition == StreamErrorCondition::SeeOtherHost) error.seeOtherHost = child->text();
    }
  }
  return error;
}

}  // namespace kontalk::xmpp
