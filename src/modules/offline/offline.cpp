#include "modules/offline/offline.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <string>

#include <spdlog/spdlog.h>

#include "api/serial_worker.hpp"
#include "core/unix_time.hpp"
#include "modules/offline/offline_delivery.hpp"
#include "modules/offline/offline_settings.hpp"
#include "modules/offline/storage_policy.hpp"
#include "storage/storage.hpp"
#include "xml/serializer.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/presence.hpp"

namespace kontalk::modules {
namespace {

using offline::OfflineDelivery;
using offline::OfflineSettings;

// Before the roster (100) and CSI: an account's first presence is noticed whatever they do.
constexpr int kInitialPresenceOrder = 20;
constexpr auto kPurgeInterval = std::chrono::hours(1);

class OfflineModule final : public api::Module {
 public:
  std::string_view name() const override { return "offline"; }

  void start(api::ModuleHost& host) override {
    host_ = &host;
    settings_ = offline::readOfflineSettings(host);
    delivery_ = std::make_unique<OfflineDelivery>(host);
    writer_ = std::make_unique<api::SerialWorker>(host);
    host.addDiscoFeature(api::IqScope::Server, ns::kOfflineFeature);
    host.hookStanza(api::StanzaHook::Undeliverable, 100,
                    [this](api::StanzaEvent& event) { return handleUndeliverable(event); });
    host.hookStanza(api::StanzaHook::FromClient, kInitialPresenceOrder,
                    [this](api::StanzaEvent& event) { return handleClientStanza(event); });
    host.every(kPurgeInterval, [this] { purgeExpired(); });
  }

 private:
  api::HandlerResult handleUndeliverable(api::StanzaEvent& event) {
    // Nothing to keep: drop silently, as if delivered (XEP-0160, XEP-0085 business rules).
    if (!offline::shouldStore(event.stanza)) return api::HandlerResult::Handled;
    const auto now = std::chrono::system_clock::now();
    xml::Element stored = event.stanza;
    offline::stampDelay(stored, host_->domain(), now);
    storage::OfflineMessage message;
    message.stanza = xml::serialize(stored, ns::kClient);
    message.storedAt = core::unixSeconds(now);
    message.expiresAt = core::unixSeconds(now + settings_.expiry);
    // In arrival order: the queue's order is the delivery order.
    writer_->post([this, account = event.to.bare(), message = std::move(message),
                   original = event.stanza] { store(account, message, original); });
    return api::HandlerResult::Handled;
  }

  // Runs on a worker. The message is durable once enqueue() returned (synchronous=full).
  void store(const xmpp::Jid& account, const storage::OfflineMessage& message,
             const xml::Element& original) {
    auto outcome = host_->storage().offline().enqueue(account.local(), account.domain(), message,
                                                      settings_.maxMessagesPerUser);
    if (!outcome) {
      if (outcome.error().kind == storage::StorageErrorKind::NotFound) {
        // RFC 6121 §8.5.1: no such account.
        bounce(original, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::ServiceUnavailable));
      } else {
        spdlog::error("offline: cannot store a message for {}: {}", account.toString(),
                      outcome.error().message);
        bounce(original, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::InternalServerError));
      }
      return;
    }
    if (*outcome == storage::EnqueueOutcome::QuotaExceeded) {
      // RFC 6120 §8.3.3.18: resource-constraint, type wait: retry once the user fetched some.
      bounce(original, {xmpp::StanzaErrorCondition::ResourceConstraint, xmpp::StanzaErrorType::Wait,
                        "The recipient's offline message queue is full."});
      return;
    }
    // The account may have become available while the message was on its way to storage; its
    // initial delivery run could have missed it.
    deliverIfAvailable(account);
  }

  void deliverIfAvailable(const xmpp::Jid& account) {
    const api::Session* best = nullptr;
    const auto sessions = host_->sessionsOf(account);
    for (const auto& session : sessions) {
      if (!session->isAvailable() || session->priority() < 0) continue;
      if (best == nullptr || session->priority() > best->priority()) best = session.get();
    }
    if (best != nullptr) delivery_->request(best->jid());
  }

  void bounce(const xml::Element& original, const xmpp::StanzaError& error) {
    if (original.attribute("type") == "error") return;  // RFC 6120 §8.2
    host_->send(xmpp::makeErrorReply(original, error));
  }

  api::HandlerResult handleClientStanza(api::StanzaEvent& event) {
    // XEP-0160 §3 / RFC 6121 §4.2: the initial available presence (no 'to', no type) of a
    // session with non-negative priority triggers delivery. The router marks the session
    // available only after these hooks, so isAvailable() still tells "initial".
    const auto& stanza = event.stanza;
    if (stanza.name() == "presence" && !stanza.hasAttribute("to") && !stanza.hasAttribute("type") &&
        event.session != nullptr && !event.session->isAvailable() &&
        xmpp::presencePriority(stanza) >= 0) {
      delivery_->request(event.session->jid());
    }
    return api::HandlerResult::Continue;
  }

  void purgeExpired() {
    host_->runBlocking([this] {
      const auto now = core::unixSeconds(std::chrono::system_clock::now());
      auto purged = host_->storage().offline().purgeExpired(now);
      if (!purged) {
        spdlog::error("offline: purging expired messages failed: {}", purged.error().message);
      } else if (*purged > 0) {
        spdlog::info("offline: purged {} expired message(s)", *purged);
      }
    });
  }

  api::ModuleHost* host_ = nullptr;
  OfflineSettings settings_;
  std::unique_ptr<OfflineDelivery> delivery_;
  std::unique_ptr<api::SerialWorker> writer_;
};

}  // namespace

std::unique_ptr<api::Module> makeOfflineModule() {
  return std::make_unique<OfflineModule>();
}

}  // namespace kontalk::modules
