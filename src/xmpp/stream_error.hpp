#pragma once
// Stream errors (RFC 6120 §4.9): unrecoverable; the stream is closed after sending one.
// Threading: plain values and pure functions; any thread.

#include <optional>
#include <string>
#include <string_view>

#include "xml/element.hpp"

namespace kontalk::xmpp {

enum class StreamErrorCondition {
  BadFormat,
  BadNamespacePrefix,
  Conflict,
  ConnectionTimeout,
  HostGone,
  HostUnknown,
  ImproperAddressing,
  InternalServerError,
  InvalidFrom,
  InvalidNamespace,
  InvalidXml,
  NotAuthorized,
  NotWellFormed,
  PolicyViolation,
  RemoteConnectionFailed,
  Reset,
  ResourceConstraint,
  RestrictedXml,
  SeeOtherHost,
  SystemShutdown,
  UndefinedCondition,
  UnsupportedEncoding,
  UnsupportedFeature,
  UnsupportedStanzaType,
  UnsupportedVersion,
};

struct StreamError {
  StreamErrorCondition condition = StreamErrorCondition::UndefinedCondition;
  std::string text;            // optional human-readable text (English)
  std::string seeOtherHost{};  // for SeeOtherHost: the alternate "host[:port]" (RFC 6120 §4.9.3.19)
  // An application-specific condition (RFC 6120 §4.9.4), sent after the defined one.
  std::optional<xml::Element> applicationCondition{};

  xml::Element toElement() const;  // <stream:error><condition/><text/></stream:error>
  // Reads a received <stream:error/> (s2s peers, the benchmark client). nullopt when `element` is
  // not a stream error; an unknown condition reads as UndefinedCondition (RFC 6120 §4.9.3.21).
  static std::optional<StreamError> fromElement(const xml::Element& element);
};

// XEP-0198 §4: the peer's <a h='…'/> acknowledges more stanzas than were sent to it:
// <undefined-condition/> with <handled-count-too-high h='…' send-count='…'/>.
StreamError handledCountTooHigh(std::uint32_t h, std::uint32_t sendCount);

std::string_view conditionName(StreamErrorCondition condition);
// The condition with this element name, or nullopt.
std::optional<StreamErrorCondition> streamErrorConditionFromName(std::string_view name);

}  // namespace kontalk::xmpp
