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
// Accounts gone offline whose fingerprint stays known (about 100 bytes each).
constexpr std::size_t kOfflineAccountsRemembered = 16384;

bool isAvailabilityPresence(const xml::Element& stanza) {
  const std::string_view type = stanza.attribute("type");
  return stanza.name() == "presence" && (type.empty() || type == "unavailable");
}

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
    host.prepareSessions([this](const xmpp::Jid& account) { loadKey(account); });
    host.hookSessionBound(
        [this](const api::Session& session) { cache_.markOnline(session.jid().bareString()); });
    host.hookSessionClosed([this](const api::Session& session) {
      // The router forgot this session already: whatever is left is another device.
      if (host_->sessionsOf(session.jid().bare()).empty()) {
        cache_.markOffline(session.jid().bareString());
      }
    });
    host.hookKeyChange([this](const api::KeyChange& change) {
      cache_.put(change.account.bareString(),
                 CachedKey{change.fingerprint, core::base64Encode(change.keyBinary)});
    });
    host.hookStanza(api::StanzaHook::FromClient, kHookOrder,
                    [this](api::StanzaEvent& event) { return decorateClientPresence(event); });
    host.hookStanza(api::StanzaHook::ToSession, kHookOrder,
                    [this](api::StanzaEvent& event) { return decorateServerPresence(event); });
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

  // On a worker, before the account's session is bound (prepareSessions): a new login may come
  // with a new key (rollover at login, spec §3 step 5), so the key is read again every time.
  void loadKey(const xmpp::Jid& account) {
    auto key = host_->storage().keys().currentKey(account.local(), account.domain());
    if (!key) {
      spdlog::warn("pubkey: cannot load the key of {}: {}", account.bareString(),
                   key.error().message);
      return;
    }
    if (*key) {
      cache_.put(account.bareString(),
                 CachedKey{(*key)->fingerprint, core::base64Encode((*key)->keyBinary)});
    }
  }

  // The client's own presence: what contacts see is what the server certified, so a client's
  // <pubkey/> is replaced. Every available and unavailable presence carries the fingerprint
  // (spec §0); a subscription request carries the whole key so the contact can verify it (§5).
  HandlerResult decorateClientPresence(api::StanzaEvent& event) {
    xml::Element& stanza = event.stanza;
    const bool subscribe = stanza.name() == "presence" && stanza.attribute("type") == "subscribe";
    if (!subscribe && !isAvailabilityPresence(stanza)) return HandlerResult::Continue;
    const std::string account = event.from.bareString();
    stanza.removeChildren("pubkey", ns::kPubkey);
    if (subscribe) {
      if (const auto key = cache_.onlineKey(account))
        attach(stanza, key->fingerprint, key->keyBase64);
    } else if (const auto fingerprint = cache_.fingerprint(account)) {
      attach(stanza, *fingerprint, {});
    }
    return HandlerResult::Continue;
  }

  // Presence the server sends on an account's behalf (unavailable when a connection drops, on
  // unsubscription, probe answers) reaches contacts with the fingerprint too.
  HandlerResult decorateServerPresence(api::StanzaEvent& event) {
    xml::Element& stanza = event.stanza;
    if (!isAvailabilityPresence(stanza) || stanza.firstChildIn(ns::kPubkey) != nullptr ||
        event.from.domain() != host_->domain() || event.from.isDomain() ||
        event.from.bare() == event.to.bare()) {
      return HandlerResult::Continue;
    }
    if (const auto fingerprint = cache_.fingerprint(event.from.bareString())) {
      attach(stanza, *fingerprint, {});
    }
    return HandlerResult::Continue;
  }

  static void attach(xml::Element& presence, const std::string& fingerprint,
                     const std::string& keyBase64) {
    auto& pubkey = presence.addChild("pubkey", ns::kPubkey);
    if (!keyBase64.empty()) pubkey.addChild("key", ns::kPubkey).addText(keyBase64);
    pubkey.addChild("print", ns::kPubkey).addText(fingerprint);
  }

  static xml::Element keyElement(std::string_view keyBinary) {
    xml::Element element("pubkey", ns::kPubkey);
    element.addText(core::base64Encode(keyBinary));
    return element;
  }

  api::ModuleHost* host_ = nullptr;
  pubkey::KeyCache cache_{kOfflineAccountsRemembered};
};

}  // namespace

std::unique_ptr<api::Module> makePubkeyModule() {
  return std::make_unique<PubkeyModule>();
}

}  // namespace kontalk::modules
