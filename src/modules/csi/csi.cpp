#include "modules/csi/csi.hpp"

#include <charconv>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

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

std::size_t parseLimit(const std::string& text) {
  std::size_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0) {
    throw std::runtime_error("[modules.csi] max_held must be a positive integer, not '" + text +
                             "'");
  }
  return value;
}

class CsiModule final : public api::Module {
 public:
  std::string_view name() const override { return "csi"; }

  void start(api::ModuleHost& host) override {
    host_ = &host;
    // Presence is naturally bounded by the roster, chat states by the contacts that type; the
    // cap bounds both against a huge roster or many resources of one contact.
    maxHeld_ = parseLimit(host.configString("csi", "max_held", "1000"));
    // XEP-0352 §2: offered after authentication; the nonzas have no reply (§3).
    host.addStreamFeature(api::FeatureStage::AfterAuthentication, xml::Element("csi", ns::kCsi));
    host.handleStreamElement(
        ns::kCsi, "inactive",
        [this](const api::Session& session, const xml::Element&) { markInactive(session.jid()); });
    host.handleStreamElement(
        ns::kCsi, "active",
        [this](const api::Session& session, const xml::Element&) { markActive(session.jid()); });
    host.hookStanza(api::StanzaHook::ToSession, kHookOrder,
                    [this](api::StanzaEvent& event) { return handleToSession(event); });
    // XEP-0352 §3: a new session starts active, also one that replaced a session of the same
    // full JID. A closed session's held stanzas are dropped with it: presence and chat states
    // for a session that is gone mean nothing.
    const auto forget = [this](const api::Session& session) {
      std::lock_guard lock(mutex_);
      inactive_.erase(session.jid().toString());
    };
    host.hookSessionBound(forget);
    host.hookSessionClosed(forget);
  }

 private:
  void markInactive(const xmpp::Jid& jid) {
    std::lock_guard lock(mutex_);
    inactive_.try_emplace(jid.toString());
  }

  void markActive(const xmpp::Jid& jid) {
    std::vector<xml::Element> released;
    {
      std::lock_guard lock(mutex_);
      const auto entry = inactive_.find(jid.toString());
      if (entry == inactive_.end()) return;
      released = entry->second.release();
      inactive_.erase(entry);
    }
    release(jid, std::move(released));
  }

  HandlerResult handleToSession(api::StanzaEvent& event) {
    if (event.session == nullptr) return HandlerResult::Continue;
    const CsiTreatment treatment = csi::classify(event.stanza);
    if (treatment == CsiTreatment::Deliver) return HandlerResult::Continue;

    std::vector<xml::Element> overflow;
    {
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
      if (held.size() > maxHeld_) overflow = held.release();
    }
    release(event.session->jid(), std::move(overflow));
    return HandlerResult::Handled;
  }

  // Hands released stanzas to the session in the order they were held, past the ToSession hooks
  // (which saw them when they arrived).
  void release(const xmpp::Jid& jid, std::vector<xml::Element> stanzas) {
    for (auto& stanza : stanzas) host_->deliverHeld(jid, std::move(stanza));
  }

  api::ModuleHost* host_ = nullptr;
  std::size_t maxHeld_ = 0;
  std::mutex mutex_;
  // Sessions that said <inactive/>, by full JID, with what is held for them.
  std::unordered_map<std::string, HeldStanzas> inactive_;
};

}  // namespace

std::unique_ptr<api::Module> makeCsiModule() {
  return std::make_unique<CsiModule>();
}

}  // namespace kontalk::modules
