#include "modules/pubkey/pubkey.hpp"

#include <spdlog/spdlog.h>

#include "core/encoding.hpp"
#include "modules/pubkey/key_cache.hpp"
#include "pgp/server_key.hpp"
#include "storage/storage.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::HandlerResult;
using pubkey::CachedKey;

// Before the roster module (order 100), which copies the presence it broadcasts or routes: the
// <pubkey/> added here must be in those copies (see modules/roster/roster_service.hpp).
constexpr int kHookOrder = 90;

class PubkeyModule final : public api::Module {
 public:
  std::string_view name() const override { return "pubkey"; }

  void start(api::ModuleHost& host) override {
    host_ = &host;
    host.addDiscoFeature(api::IqScope::Server, ns::kPubkey);
    host.handleIq(api::IqScope::Server, ns::kPubkey, api::IqType::Get,
                  [this](const api::IqRequest& request) { return serverKey(request); });
    host.handleIq(api::IqScope::Account, ns::kPubkey, api::IqType::Get,
                  [this](const api::IqRequest& request) { return accountKey(request); });
    host.hookSessionBound([this](const api::Session& session) { loadKey(session); });
    host.hookSessionClosed(
        [this](const api::Session& session) { cache_.removeSession(session.jid().bareString()); });
    host.hookStanza(api::StanzaHook::FromClient, kHookOrder,
                    [this](api::StanzaEvent& event) { return decoratePresence(event); });
  }

 private:
  HandlerResult serverKey(const api::IqRequest& request) {
    host_->replyResult(request, keyElement(host_->serverKey().publicKeyBinary()));
    return HandlerResult::Handled;
  }

  // Spec §5: answered by the server for the account, whether or not the user is online.
  HandlerResult accountKey(const api::IqRequest& request) {
    const xml::Element stanza = request.stanza;
    const xmpp::Jid from = request.from;
    const xmpp::Jid to = request.to;
    host_->runBlocking([this, stanza, from, to] {
      const api::IqRequest copy{stanza, *stanza.firstChildIn(ns::kPubkey), from, to};
      auto key = host_->storage().keys().currentKey(to.local(), to.domain());
      if (!key) {
        spdlog::error("pubkey: key look-up for {} failed: {}", to.bareString(),
                      key.error().message);
        host_->replyError(copy,
                          xmpp::StanzaError::of(xmpp::StanzaErrorCondition::InternalServerError));
      } else if (!*key) {
        host_->replyError(copy, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::ItemNotFound));
      } else {
        host_->replyResult(copy, keyElement((*key)->keyBinary));
      }
    });
    return HandlerResult::Handled;
  }

  void loadKey(const api::Session& session) {
    const std::string jid = session.jid().bareString();
    cache_.addSession(jid);
    host_->runBlocking([this, jid, user = session.jid()] {
      auto key = host_->storage().keys().currentKey(user.local(), user.domain());
      if (!key) {
        spdlog::warn("pubkey: cannot load the key of {}: {}", jid, key.error().message);
        return;
      }
      if (*key)
        cache_.put(jid, CachedKey{(*key)->fingerprint, core::base64Encode((*key)->keyBinary)});
    });
  }

  HandlerResult decoratePresence(api::StanzaEvent& event) {
    xml::Element& stanza = event.stanza;
    if (stanza.name() != "presence") return HandlerResult::Continue;
    const std::string_view type = stanza.attribute("type");
    const bool subscribe = type == "subscribe";
    // Spec §0: every presence broadcast (available, no 'to') carries the fingerprint.
    const bool broadcast = type.empty() && !stanza.hasAttribute("to");
    if (!subscribe && !broadcast) return HandlerResult::Continue;
    const auto key = cache_.find(event.from.bareString());
    if (!key) return HandlerResult::Continue;
    // A client's own <pubkey/> is replaced: what contacts see is what the server certified.
    stanza.removeChildren("pubkey", ns::kPubkey);
    auto& pubkey = stanza.addChild("pubkey", ns::kPubkey);
    // Spec §5: a subscription request carries the whole key so the contact can verify it.
    if (subscribe) pubkey.addChild("key", ns::kPubkey).addText(key->keyBase64);
    pubkey.addChild("print", ns::kPubkey).addText(key->fingerprint);
    return HandlerResult::Continue;
  }

  static xml::Element keyElement(std::string_view keyBinary) {
    xml::Element element("pubkey", ns::kPubkey);
    element.addText(core::base64Encode(keyBinary));
    return element;
  }

  api::ModuleHost* host_ = nullptr;
  pubkey::KeyCache cache_;
};

}  // namespace

std::unique_ptr<api::Module> makePubkeyModule() {
  return std::make_unique<PubkeyModule>();
}

}  // namespace kontalk::modules
