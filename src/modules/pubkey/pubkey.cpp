#include "api/module_descriptor.hpp"

#include <spdlog/spdlog.h>

#include "base/encoding.hpp"
#include "modules/pubkey/key_cache.hpp"
#include "pgp/server_key.hpp"
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
  void start(api::ModuleHost& host) override {
    host_ = &host;
    host.advertiseDiscoFeature(api::IqScope::Server, ns::kPubkey);
    host.onIq(api::IqScope::Server, ns::kPubkey, api::IqType::Get,
              [this](const api::IqRequest& request) { return serverKey(request); });
    host.onIq(api::IqScope::Account, ns::kPubkey, api::IqType::Get,
              [this](const api::IqRequest& request) { return accountKey(request); });
    host.onSession(api::SessionEvent::Preparing,
                   [this](const api::Session& session) { loadKey(session.jid().bare()); });
    host.onSession(api::SessionEvent::Bound, [this](const api::Session& session) {
      cache_.markOnline(session.jid().bareString());
    });
    host.onSession(api::SessionEvent::Closed, [this](const api::Session& session) {
      // The router forgot this session already: whatever is left is another device.
      if (host_->sessionsOf(session.jid().bare()).empty()) {
        cache_.markOffline(session.jid().bareString());
      }
    });
    host.onKeyChange([this](const api::KeyChange& change) {
      cache_.put(change.account.bareString(),
                 CachedKey{change.fingerprint, base::base64Encode(change.keyBinary)});
    });
    host.onStanza(api::StanzaHook::FromClient, kHookOrder,
                  [this](api::StanzaEvent& event) { return decorateClientPresence(event); });
    host.onStanza(api::StanzaHook::ToSession, kHookOrder,
                  [this](api::StanzaEvent& event) { return decorateServerPresence(event); });
  }

 private:
  HandlerResult serverKey(const api::IqRequest& request) {
    host_->replyResult(request, keyElement(host_->serverKey().publicKeyBinary()));
    return HandlerResult::Handled;
  }

  // Spec §5: answered by the server for the account, whether or not the user is online.
  HandlerResult accountKey(const api::IqRequest& request) {
    host_->runBlocking([this, kept = api::KeptIqRequest(request)] {
      const auto job = kept.request();
      auto key = host_->accounts().currentKey(job.to);
      if (!key) {
        host_->replyFailure(job, key.error(), "key look-up for " + job.to.bareString());
      } else if (!*key) {
        host_->replyError(job, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::ItemNotFound));
      } else {
        host_->replyResult(job, keyElement((*key)->keyBinary));
      }
    });
    return HandlerResult::Handled;
  }

  // On a worker, before the account's session is bound (SessionEvent::Preparing): a new login may
  // come with a new key (rollover at login, spec §3 step 5), so the key is read again every time.
  void loadKey(const xmpp::Jid& account) {
    auto key = host_->accounts().currentKey(account);
    if (!key) {
      spdlog::warn("pubkey: cannot load the key of {}: {}", account.bareString(),
                   key.error().message);
      return;
    }
    if (*key) {
      cache_.put(account.bareString(),
                 CachedKey{(*key)->fingerprint, base::base64Encode((*key)->keyBinary)});
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
    element.addText(base::base64Encode(keyBinary));
    return element;
  }

  api::ModuleHost* host_ = nullptr;
  pubkey::KeyCache cache_{kOfflineAccountsRemembered};
};

const api::ModuleRegistration kRegistration(api::describeModule<PubkeyModule>(
    "pubkey", "Public keys (spec §5): key fetch, keys in subscriptions, fingerprints in presence",
    {}));

}  // namespace

}  // namespace kontalk::modules
