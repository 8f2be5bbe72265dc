#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/module_descriptor.hpp"
#include "modules/csi/csi_policy.hpp"
#include "modules/csi/held_stanzas.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::HandlerResult;
using csi::CsiTreatment;
using csi::HeldKind;
using csi::HeldStanzas;

// Last among the ToSession hooks: the others (blocking, carbons, ...) act on a stanza once, when
// it arrives, and what they let through is held; release skips the hooks.
constexpr int kHookOrder = 900;

struct CsiSettings {
  // Presence is naturally bounded by the roster, chat states by the contacts that type; the cap
  // bounds both against a huge roster or many resources of one contact.
  std::size_t maxHeld = 1000;
};

const config::Section<CsiSettings>& csiOptions() {
  static const config::Section<CsiSettings> section(
      "modules.csi",
      "Client state indication (XEP-0352): while a client is inactive, presence (the newest per "
      "contact) and chat states wait; messages with a body go at once.",
      [](config::SectionBuilder<CsiSettings>& option) {
        option.integer("max_held", &CsiSettings::maxHeld, std::size_t{1}, std::size_t{100'000},
                       "presence updates and chat states held for one inactive session; when "
                       "exceeded, all of them are delivered at once");
      });
  return section;
}

class CsiModule final : public api::Module {
 public:
  explicit CsiModule(const CsiSettings& settings) : maxHeld_(settings.maxHeld) {}

  void start(api::ModuleHost& host) override {
    host_ = &host;
    // XEP-0352 §2: offered after authentication; the nonzas have no reply (§3).
    host.advertiseStreamFeature(api::FeatureStage::AfterAuthentication,
                                xml::Element("csi", ns::kCsi));
    host.onStreamElement(
        ns::kCsi, "inactive",
        [this](const api::Session& session, const xml::Element&) { markInactive(session.jid()); });
    host.onStreamElement(
        ns::kCsi, "active",
        [this](const api::Session& session, const xml::Element&) { markActive(session.jid()); });
    host.onStanza(api::StanzaHook::ToSession, kHookOrder,
                  [this](api::StanzaEvent& event) { return handleToSession(event); });
    // XEP-0352 §3: a new session starts active, also one that replaced a session of the same
    // full JID. A closed session's held stanzas are dropped with it: presence and chat states
    // for a session that is gone mean nothing.
    const auto forget = [this](const api::Session& session) {
      std::lock_guard lock(mutex_);
      inactive_.erase(session.jid().toString());
    };
    host.onSession(api::SessionEvent::Bound, forget);
    host.onSession(api::SessionEvent::Closed, forget);
  }

 private:
  void markInactive(const xmpp::Jid& jid) {
    std::lock_guard lock(mutex_);
    inactive_.try_emplace(jid.toString());
  }

  // The held stanzas are handed on under the lock: a stanza for this session arriving meanwhile on
  // another shard waits for it and so comes after them, never before.
  void markActive(const xmpp::Jid& jid) {
    std::lock_guard lock(mutex_);
    const auto entry = inactive_.find(jid.toString());
    if (entry == inactive_.end()) return;
    release(jid, entry->second.release());
    inactive_.erase(entry);
  }

  HandlerResult handleToSession(api::StanzaEvent& event) {
    if (event.session == nullptr) return HandlerResult::Continue;
    const CsiTreatment treatment = csi::classify(event.stanza);
    if (treatment == CsiTreatment::Deliver) return HandlerResult::Continue;

    std::lock_guard lock(mutex_);
    const auto entry = inactive_.find(event.session->jid().toString());
    if (entry == inactive_.end()) return HandlerResult::Continue;
    HeldStanzas& held = entry->second;
    const std::string sender = event.from.toString();
    // Messages with a body are what the user waits for (XEP-0352 §5): never held.
    if (treatment == CsiTreatment::DeliverSupersedingChatState) {
      held.dropChatState(sender);
      return HandlerResult::Continue;
    }
    const auto kind =
        treatment == CsiTreatment::HoldPresence ? HeldKind::Presence : HeldKind::ChatState;
    held.hold(kind, sender, event.stanza);
    if (held.size() > maxHeld_) release(event.session->jid(), held.release());
    return HandlerResult::Handled;
  }

  // Hands released stanzas to the session in the order they were held, past the ToSession hooks
  // (which saw them when they arrived). Called under mutex_: deliverHeld only queues them for
  // the session's shard and never comes back into this module.
  void release(const xmpp::Jid& jid, std::vector<xml::Element> stanzas) {
    for (auto& stanza : stanzas) host_->deliverHeld(jid, std::move(stanza));
  }

  api::ModuleHost* host_ = nullptr;
  const std::size_t maxHeld_;
  std::mutex mutex_;
  // Sessions that said <inactive/>, by full JID, with what is held for them.
  std::unordered_map<std::string, HeldStanzas> inactive_;
};

const api::ModuleRegistration kRegistration(
    api::describeModule<CsiModule>("csi", "Client state indication (XEP-0352)", {}, csiOptions()));

}  // namespace

}  // namespace kontalk::modules
