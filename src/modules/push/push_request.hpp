#pragma once
// The register/unregister IQ payloads of Kontalk legacy push (spec §8.3), read and checked.
// Pure.
// Threading: any thread.

#include <string>
#include <variant>

#include "xml/element.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::push {

inline constexpr const char* kPushNamespace = "http://kontalk.org/extensions/presence#push";
// FCM tokens are about 160 bytes; the bound keeps a hostile one out of storage.
inline constexpr std::size_t kMaxTokenBytes = 4096;

struct PushRequest {
  bool registering = false;  // register (with token) or unregister
  std::string provider;      // as sent; the module checks it is configured
  std::string token;         // trimmed; empty for unregister
};

// The request, or the error to answer (bad-request with a text saying what is wrong).
std::variant<PushRequest, xmpp::StanzaError> readPushRequest(const xml::Element& payload);

}  // namespace kontalk::modules::push
