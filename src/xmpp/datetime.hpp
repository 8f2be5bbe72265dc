#pragma once
// XEP-0082 date/time profiles, used by Entity Time, Delayed Delivery and Last Activity.
// Threading: a pure function over values; any thread.
#include <chrono>
#include <string>

namespace kontalk::xmpp {
// DateTime in UTC with millisecond precision: "2026-11-24T12:00:00.123Z".
std::string formatDateTime(std::chrono::system_clock::time_point time);
}  // namespace kontalk::xmpp
