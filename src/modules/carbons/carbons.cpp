#include "api/module_descriptor.hpp"

#include <algorithm>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "modules/carbons/carbon_rules.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::HandlerResult;
using carbons::CarbonDirection;

// Sent carbons after blocking (40) refused what it refuses, and before the multicast service
// consumes a group message (addressing: 200).
constexpr int kFromClientOrder = 50;
// Last, so that a module that consumes the message for the account (blocking, ...) runs first.
constexpr int kToAccountOrder = 1000;
// Before CSI (900), which may hold a chat state: the carbons go out when the message arrives.
constexpr int kToSessionOrder = 500;

class CarbonsModule final : public api::Module {
 public:
  void start(api::ModuleHost& host) override {
    host_ = &host;
    host.advertiseDiscoFeature(api::IqScope::Server, ns::kCarbons);
    host.onIq(api::IqScope::Account, ns::kCarbons, api::IqType::Set,
              [this](const api::IqRequest& request) { return handleToggle(request); });
    host.onStanza(api::StanzaHook::FromClient, kFromClientOrder,
                  [this](api::StanzaEvent& event) { return handleFromClient(event); });
    host.onStanza(api::StanzaHook::ToAccount, kToAccountOrder,
                  [this](api::StanzaEvent& event) { return handleToAccount(event); });
    host.onStanza(api::StanzaHook::ToSession, kToSessionOrder,
                  [this](api::StanzaEvent& event) { return handleToSession(event); });
    // Carbons are per session (XEP-0280 §4): off for a new session, forgotten with a closed one.
    const auto forget = [this](const api::Session& session) {
      std::lock_guard lock(mutex_);
      enabled_.erase(session.jid().toString());
    };
    host.onSession(api::SessionEvent::Bound, forget);
    host.onSession(api::SessionEvent::Closed, forget);
  }

 private:
  // XEP-0280 §4: <enable/> or <disable/>, sent to the user's own account.
  HandlerResult handleToggle(const api::IqRequest& request) {
    if (request.to != request.from.bare()) {
      host_->replyError(request, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::Forbidden,
                                                       "Carbons are set on your own account."));
      return HandlerResult::Handled;
    }
    const std::string& action = request.payload.name();
    if (action != "enable" && action != "disable") {
      host_->replyError(request, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::BadRequest));
      return HandlerResult::Handled;
    }
    {
      std::lock_guard lock(mutex_);
      if (action == "enable") {
        enabled_.insert(request.from.toString());
      } else {
        enabled_.erase(request.from.toString());
      }
    }
    host_->replyResult(request);
    return HandlerResult::Handled;
  }

  // XEP-0280 §9: what one client sends goes to the user's other carbons-enabled clients.
  HandlerResult handleFromClient(api::StanzaEvent& event) {
    if (event.session == nullptr || !carbons::isEligible(event.stanza)) {
      return HandlerResult::Continue;
    }
    const xmpp::Jid& sender = event.session->jid();
    for (const auto& resource : enabledResources(sender.bare())) {
      if (resource == sender || resource == event.to) continue;  // they have it already
      host_->send(carbons::makeCarbon(CarbonDirection::Sent, event.stanza, sender, resource));
    }
    return HandlerResult::Continue;
  }

  // XEP-0280 §8, message to the bare JID: the router gives it to the available resources of
  // highest non-negative priority (RFC 6121 §8.5.2.1.1); the other enabled ones get a carbon.
  HandlerResult handleToAccount(api::StanzaEvent& event) {
    if (!isIncomingEligible(event)) return HandlerResult::Continue;
    const xmpp::Jid account = event.to.bare();
    const auto sessions = host_->sessionsOf(account);
    std::optional<int> best;
    for (const auto& session : sessions) {
      if (session->isAvailable() && session->priority() >= 0) {
        best = std::max(best.value_or(session->priority()), session->priority());
      }
    }
    if (!best) return HandlerResult::Continue;  // offline storage; no client sees it now
    std::vector<xmpp::Jid> receivers;
    for (const auto& session : sessions) {
      if (session->isAvailable() && session->priority() == *best) {
        receivers.push_back(session->jid());
      }
    }
    for (const auto& resource : enabledResources(account)) {
      if (std::find(receivers.begin(), receivers.end(), resource) != receivers.end()) continue;
      host_->send(carbons::makeCarbon(CarbonDirection::Received, event.stanza, account, resource));
    }
    return HandlerResult::Continue;
  }

  // XEP-0280 §8, message to one full JID: the user's other enabled resources get a carbon.
  // Deliveries of bare-JID messages (whose 'to' is not this session) were handled above.
  HandlerResult handleToSession(api::StanzaEvent& event) {
    if (event.session == nullptr) return HandlerResult::Continue;
    const xmpp::Jid& recipient = event.session->jid();
    if (event.stanza.attribute("to") != recipient.toString()) return HandlerResult::Continue;
    if (!isIncomingEligible(event)) return HandlerResult::Continue;
    for (const auto& resource : enabledResources(recipient.bare())) {
      if (resource == recipient) continue;
      host_->send(
          carbons::makeCarbon(CarbonDirection::Received, event.stanza, recipient.bare(), resource));
    }
    return HandlerResult::Continue;
  }

  // A message from the account itself was copied as sent when its client sent it.
  static bool isIncomingEligible(const api::StanzaEvent& event) {
    return event.stanza.name() == "message" && event.from.bare() != event.to.bare() &&
           carbons::isEligible(event.stanza);
  }

  std::vector<xmpp::Jid> enabledResources(const xmpp::Jid& account) {
    std::vector<xmpp::Jid> resources;
    const auto sessions = host_->sessionsOf(account);
    std::lock_guard lock(mutex_);
    for (const auto& session : sessions) {
      if (enabled_.contains(session->jid().toString())) resources.push_back(session->jid());
    }
    return resources;
  }

  api::ModuleHost* host_ = nullptr;
  std::mutex mutex_;
  std::unordered_set<std::string> enabled_;  // full JIDs of sessions with carbons enabled
};

const api::ModuleRegistration kRegistration(
    api::describeModule<CarbonsModule>("carbons", "Message carbons (XEP-0280)", {}));

}  // namespace

}  // namespace kontalk::modules
