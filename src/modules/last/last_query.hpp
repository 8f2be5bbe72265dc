#pragma once
// Builds <query xmlns='jabber:iq:last' seconds='…'>status</query> (XEP-0012 §2).
// Threading: a pure function over values; any thread.

#include <cstdint>
#include <string_view>

#include "xml/element.hpp"

namespace kontalk::modules::last {

// `seconds` below 0 (a clock that went back) is reported as 0.
xml::Element makeLastQuery(std::int64_t seconds, std::string_view status = {});

}  // namespace kontalk::modules::last
