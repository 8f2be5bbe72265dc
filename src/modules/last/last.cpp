#include "modules/last/last.hpp"

#include <chrono>
#include <string>

#include <spdlog/spdlog.h>

#include "api/serial_worker.hpp"
#include "core/unix_time.hpp"
#include "modules/last/last_query.hpp"
#include "storage/storage.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using last::makeLastQuery;
using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

// Early, and it never consumes: it only watches the account's own presence broadcasts.
constexpr int kPresenceWatchOrder = 10;
// XEP-0012 says nothing of the status length; presence bounds it already, this bounds storage.
constexpr std::size_t kMaxStatusBytes = 1024;

class LastModule final : public api::Module {
 public:
  std::string_view name() const override { return "last"; }

  void start(api::ModuleHost& host) override {
    host_ = &host;
    startedAt_ = std::chrono::steady_clock::now();
    recorder_ = std::make_unique<api::SerialWorker>(host);
    host.addDiscoFeature(api::IqScope::Server, ns::kLastActivity);
    host.addDiscoFeature(api::IqScope::Account, ns::kLastActivity);
    // XEP-0012 §5: a query to the server is its uptime.
    host.handleIq(api::IqScope::Server, ns::kLastActivity, api::IqType::Get,
                  [this](const api::IqRequest& request) {
                    const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::steady_clock::now() - startedAt_);
                    host_->replyResult(request, makeLastQuery(uptime.count()));
                    return api::HandlerResult::Handled;
                  });
    host.handleIq(api::IqScope::Account, ns::kLastActivity, api::IqType::Get,
                  [this](const api::IqRequest& request) { return handleAccountQuery(request); });
    host.hookStanza(api::StanzaHook::FromClient, kPresenceWatchOrder,
                    [this](api::StanzaEvent& event) {
                      watchPresence(event);
                      return api::HandlerResult::Continue;
                    });
    host.hookSessionClosed([this](const api::Session& session) {
      // Left without saying unavailable (the connection dropped): that moment is the last
      // activity. A session that said it already was recorded then.
      if (session.isAvailable()) record(session.jid().bare(), "");
    });
  }

 private:
  void watchPresence(const api::StanzaEvent& event) {
    const auto& stanza = event.stanza;
    if (stanza.name() != "presence" || stanza.hasAttribute("to") ||
        stanza.attribute("type") != "unavailable") {
      return;
    }
    std::string status = stanza.childText("status", ns::kClient);
    if (status.size() > kMaxStatusBytes) status.resize(kMaxStatusBytes);
    record(event.from.bare(), std::move(status));
  }

  void record(const xmpp::Jid& account, std::string status) {
    // In order: an unavailable presence and a later disconnect must not swap.
    recorder_->post([this, account, status = std::move(status)] {
      auto done = host_->storage().lastActivity().record(account.local(), account.domain(),
                                                         {core::unixNow(), status});
      if (!done) {
        spdlog::warn("last: cannot record the last activity of {}: {}", account.toString(),
                     done.error().message);
      }
    });
  }

  bool isOnline(const xmpp::Jid& account) const {
    for (const auto& session : host_->sessionsOf(account)) {
      if (session->isAvailable()) return true;
    }
    return false;
  }

  api::HandlerResult handleAccountQuery(const api::IqRequest& request) {
    host_->runBlocking([this, stanza = request.stanza, from = request.from, to = request.to] {
      // The payload is the stanza's only child (the router checked).
      answerAccountQuery(api::IqRequest{stanza, *stanza.firstChild(), from, to});
    });
    return api::HandlerResult::Handled;
  }

  // Runs on a worker.
  void answerAccountQuery(const api::IqRequest& request) {
    const xmpp::Jid& account = request.to;
    auto& storage = host_->storage();
    auto found = storage.accounts().find(account.local(), account.domain());
    if (!found) {
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::InternalServerError));
      return;
    }
    if (!*found) {
      // The Kontalk clients read item-not-found, and only that, as "this contact deleted its
      // account" and prune it (spec §7.8; the original server answered so too).
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::ItemNotFound));
      return;
    }
    if (request.from.bare() != account && !subscribedTo(account, request.from.bare())) {
      // XEP-0012 §4: only entities allowed to see the account's presence learn its activity.
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::Forbidden));
      return;
    }
    if (isOnline(account)) {
      // XEP-0012 §4: an available account has been active just now.
      host_->replyResult(request, makeLastQuery(0));
      return;
    }
    auto activity = storage.lastActivity().find(account.local(), account.domain());
    if (!activity) {
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::InternalServerError));
      return;
    }
    // Never unavailable since it was created: creation was its last activity.
    const std::int64_t since = *activity ? (*activity)->at : (*found)->createdAt;
    host_->replyResult(
        request, makeLastQuery(core::unixNow() - since, *activity ? (*activity)->status : ""));
  }

  // Whether `contact` has a subscription to the account's presence ('from' or 'both',
  // RFC 6121 §2.1.2.5), as the roster says.
  bool subscribedTo(const xmpp::Jid& account, const xmpp::Jid& contact) {
    auto item =
        host_->storage().rosters().item(account.local(), account.domain(), contact.bareString());
    if (!item) {
      spdlog::warn("last: cannot read the roster of {}: {}", account.toString(),
                   item.error().message);
      return false;
    }
    return *item && (*item)->subscriptionFrom;
  }

  api::ModuleHost* host_ = nullptr;
  std::chrono::steady_clock::time_point startedAt_;
  std::unique_ptr<api::SerialWorker> recorder_;
};

}  // namespace

std::unique_ptr<api::Module> makeLastModule() {
  return std::make_unique<LastModule>();
}

}  // namespace kontalk::modules
