#pragma once
// Message types (RFC 6121 §5.2.2).
// Threading: a pure function over values; any thread.
#include <string_view>

namespace kontalk::xmpp {

// "normal" (also when the type is absent) or "chat": the messages a server keeps for a user
// whose resource is gone or unavailable (RFC 6121 §8.5.2, §8.5.3.2.1), unlike headline, error
// and groupchat.
inline bool isNormalOrChat(std::string_view type) {
  return type.empty() || type == "normal" || type == "chat";
}

}  // namespace kontalk::xmpp
