#include "router/extension_points.hpp"

namespace kontalk::router {

api::HandlerResult ExtensionPoints::run(api::StanzaHook hook, api::StanzaEvent& event) const {
  const auto handlers = stanzaHooks.find(hook);
  if (handlers == stanzaHooks.end()) return api::HandlerResult::Continue;
  for (const auto& entry : handlers->second) {
    if (entry.handler(event) == api::HandlerResult::Handled) return api::HandlerResult::Handled;
  }
  return api::HandlerResult::Continue;
}

}  // namespace kontalk::router
