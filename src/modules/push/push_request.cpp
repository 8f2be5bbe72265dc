#include "modules/push/push_request.hpp"

#include <string_view>

namespace kontalk::modules::push {
namespace {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

std::string_view trimmed(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

std::variant<PushRequest, StanzaError> readPushRequest(const xml::Element& payload) {
  PushRequest request;
  if (payload.name() == "register") {
    request.registering = true;
  } else if (payload.name() != "unregister") {
    return StanzaError::of(StanzaErrorCondition::BadRequest, "Expected register or unregister.");
  }
  request.provider = std::string(payload.attribute("provider"));
  if (request.registering) {
    const std::string text = payload.text();
    const std::string_view token = trimmed(text);
    if (token.empty() || token.size() > kMaxTokenBytes) {
      return StanzaError::of(StanzaErrorCondition::BadRequest,
                             "The token must have 1 to 4096 bytes.");
    }
    request.token = std::string(token);
  }
  return request;
}

}  // namespace kontalk::modules::push
