#include "api/module_descriptor.hpp"

#include <chrono>
#include <string>

#include <spdlog/spdlog.h>

#include "api/ordered_work.hpp"
#include "api/roster_queries.hpp"
#include "base/unix_time.hpp"
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
  void start(api::ModuleHost& host) override {
    host_ = &host;
    roster_ = host.service<api::RosterQueries>();
    startedAt_ = std::chrono::steady_clock::now();
    recorder_ = std::make_unique<api::OrderedWork>(host);
    host.advertiseDiscoFeature(api::IqScope::Server, ns::kLastActivity);
    host.advertiseDiscoFeature(api::IqScope::Account, ns::kLastActivity);
    // XEP-0012 §5: a query to the server is its uptime.
    host.onIq(api::IqScope::Server, ns::kLastActivity, api::IqType::Get,
              [this](const api::IqRequest& request) {
                const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::steady_clock::now() - startedAt_);
                host_->replyResult(request, makeLastQuery(uptime.count()));
                return api::HandlerResult::Handled;
              });
    host.onIq(api::IqScope::Account, ns::kLastActivity, api::IqType::Get,
              [this](const api::IqRequest& request) { return handleAccountQuery(request); });
    host.onStanza(api::StanzaHook::FromClient, kPresenceWatchOrder,
                  [this](api::StanzaEvent& event) {
                    watchPresence(event);
                    return api::HandlerResult::Continue;
                  });
    host.onSession(api::SessionEvent::Closed, [this](const api::Session& session) {
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
    recorder_->post(account.toString(), [this, account, status = std::move(status)] {
      auto done = host_->storage().lastActivity().record(account.local(), account.domain(),
                                                         {base::unixNow(), status});
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
    auto found = host_->accounts().find(account);
    if (!found) return host_->replyFailure(request, found.error(), "account look-up");
    if (!*found) {
      // The Kontalk clients read item-not-found, and only that, as "this contact deleted its
      // account" and prune it (spec §7.8; the original server answered so too).
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::ItemNotFound));
      return;
    }
    if (request.from.bare() != account) {
      auto sees = roster_->seesPresenceOf(request.from.bare(), account);
      if (!sees) return host_->replyFailure(request, sees.error(), "roster look-up");
      // XEP-0012 §4: only entities allowed to see the account's presence learn its activity.
      if (!*sees)
        return host_->replyError(request, StanzaError::of(StanzaErrorCondition::Forbidden));
    }
    if (isOnline(account)) {
      // XEP-0012 §4: an available account has been active just now.
      host_->replyResult(request, makeLastQuery(0));
      return;
    }
    auto activity = host_->storage().lastActivity().find(account.local(), account.domain());
    if (!activity) return host_->replyFailure(request, activity.error(), "last activity look-up");
    // Never unavailable since it was created: creation was its last activity.
    const std::int64_t since = *activity ? (*activity)->at : (*found)->createdAt;
    host_->replyResult(
        request, makeLastQuery(base::unixNow() - since, *activity ? (*activity)->status : ""));
  }

  api::ModuleHost* host_ = nullptr;
  api::RosterQueries* roster_ = nullptr;  // the roster module's, required
  std::chrono::steady_clock::time_point startedAt_;
  std::unique_ptr<api::OrderedWork> recorder_;  // by account
};

const api::ModuleRegistration kRegistration(api::describeModule<LastModule>(
    "last", "Last activity (XEP-0012) of accounts, and the server's uptime", {"roster"}));

}  // namespace

}  // namespace kontalk::modules
