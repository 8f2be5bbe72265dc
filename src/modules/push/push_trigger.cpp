#include "modules/push/push_trigger.hpp"

#include <string_view>

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::push {

bool wakesPhone(const xml::Element& message) {
  if (message.name() != "message") return false;
  const std::string_view type = message.attribute("type");
  if (!type.empty() && type != "chat" && type != "normal") return false;
  return message.child("body", message.xmlns()) != nullptr ||
         message.child("request", ns::kReceipts) != nullptr;
}

bool isSubscriptionRequest(const xml::Element& presence) {
  return presence.name() == "presence" && presence.attribute("type") == "subscribe";
}

void Wake::merge(const Wake& later) {
  if (!later.message) return;
  *this = later;
}

Wake wakeFor(const xml::Element& stanza, const std::string& senderBare) {
  if (stanza.name() != "message") return {};
  // Only the start of the body is kept: a publish carries at most kMaxSummaryBodyBytes of it,
  // and every coalesced trigger of a 400 KiB message would otherwise copy all of it.
  std::string body = stanza.childText("body", stanza.xmlns());
  if (body.size() > kMaxKeptBodyBytes) body.resize(kMaxKeptBodyBytes);
  return {true, senderBare, std::move(body)};
}

bool isReachable(const api::Session& session, std::chrono::steady_clock::time_point now,
                 std::chrono::steady_clock::duration idleAfter) {
  return !session.isDetached() && now - session.lastActivity() < idleAfter;
}

bool anyReachable(const std::vector<std::shared_ptr<const api::Session>>& sessions,
                  std::chrono::steady_clock::time_point now,
                  std::chrono::steady_clock::duration idleAfter) {
  for (const auto& session : sessions) {
    if (isReachable(*session, now, idleAfter)) return true;
  }
  return false;
}

}  // namespace kontalk::modules::push
