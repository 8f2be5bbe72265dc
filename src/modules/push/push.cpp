#include "api/module_descriptor.hpp"

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/push/app_server_pusher.hpp"
#include "modules/push/dummy_provider.hpp"
#include "modules/push/fcm_provider.hpp"
#include "modules/push/push_coalescer.hpp"
#include "modules/push/push_provider.hpp"
#include "modules/push/push_queue.hpp"
#include "modules/push/push_request.hpp"
#include "modules/push/push_settings.hpp"
#include "modules/push/push_trigger.hpp"
#include "storage/storage.hpp"

namespace kontalk::modules {
namespace {

using api::HandlerResult;
using push::PushCoalescer;
using push::PushOutcome;
using push::PushSettings;
using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

// After blocking (40) and the roster (100), which consume what must not reach the account; it
// consumes only an app server's affiliation message, so carbons (1000) still see the rest.
constexpr int kHookOrder = 950;
// Before the roster (100), which consumes subscription requests, after blocking (40), which
// refuses those the account blocks: a subscription request wakes XEP-0357 app servers (§8.4).
constexpr int kSubscriptionHookOrder = 90;
// A message to a full JID whose session is bound skips ToAccount; after CSI (900), which never
// holds what wakes a phone.
constexpr int kSessionHookOrder = 950;
constexpr const char* kPushLocalpart = "push";
constexpr auto kTick = std::chrono::seconds(1);

// One configured provider: its disco item (spec §8.3) and the sender.
struct Provider {
  std::string jidPrefix;  // "gcm.push." or "dummy.push."
  std::string node;       // gcm: the FCM sender id
  std::string name;
  std::unique_ptr<push::PushProvider> sender;
};

class PushModule final : public api::Module {
 public:
  explicit PushModule(const PushSettings& settings)
      : settings_(settings),
        coalescer_({settings.minInterval, settings.pushesPerMinute, settings.maxTrackedAccounts}),
        queue_(settings.maxPending, settings.concurrency),
        appServers_(
            settings, [this] { return reservePublish(); },
            [this] {
              std::lock_guard lock(mutex_);
              --publishes_;
            }) {
    if (settings.dummy) {
      providers_.emplace("dummy", Provider{"dummy.push.", "dummy", "Dummy push notifications",
                                           std::make_unique<push::DummyProvider>()});
    }
  }

  void start(api::ModuleHost& host) override {
    host_ = &host;
    if (settings_.fcmEnabled()) {
      providers_.emplace("gcm",
                         Provider{"gcm.push.", settings_.fcmSenderId,
                                  "Google Cloud Messaging push notifications", makeFcmProvider()});
    }
    if (settings_.appServers) appServers_.start(host);
    if (providers_.empty()) {
      // Spec §8.3: the feature and push@ exist only when configured.
      spdlog::info("push: no legacy provider configured ([modules.push] fcm_sender_id or dummy)");
    } else {
      startLegacy(host);
    }
    if (providers_.empty() && !settings_.appServers) return;
    host.onStanza(api::StanzaHook::ToAccount, kHookOrder, [this](api::StanzaEvent& event) {
      if (settings_.appServers && appServers_.handleRemoval(event.stanza, event.from, event.to)) {
        return HandlerResult::Handled;
      }
      if (push::wakesPhone(event.stanza)) {
        watch(event.to.bare(), push::wakeFor(event.stanza, event.from.bareString()));
      }
      return HandlerResult::Continue;
    });
    host.onStanza(api::StanzaHook::ToSession, kSessionHookOrder, [this](api::StanzaEvent& event) {
      // Spec §8.3 counts sessions, not addresses: a message to the full JID of a detached or
      // idle session wakes the phone like one to the bare JID. Only what was addressed to this
      // session: bare-JID messages were seen at ToAccount already.
      if (push::wakesPhone(event.stanza) && addressedTo(event.stanza, event.to)) {
        watch(event.to.bare(), push::wakeFor(event.stanza, event.from.bareString()));
      }
      return HandlerResult::Continue;
    });
    if (settings_.appServers) {
      host.onStanza(api::StanzaHook::ToAccount, kSubscriptionHookOrder,
                    [this](api::StanzaEvent& event) {
                      if (push::isSubscriptionRequest(event.stanza)) {
                        watch(event.to.bare(), push::Wake{});
                      }
                      return HandlerResult::Continue;
                    });
    }
    host.onInterval(kTick, [this] {
      pushDeferred();
      pump();  // retries whose back-off ended
    });
  }

 private:
  static bool addressedTo(const xml::Element& stanza, const xmpp::Jid& session) {
    const auto to = xmpp::Jid::parse(stanza.attribute("to"));
    return to && to->toString() == session.toString();
  }

  // Spec §8.3: the disco feature and item, push@DOMAIN and its register/unregister IQs.
  void startLegacy(api::ModuleHost& host) {
    api::DiscoNode node{push::kPushNamespace, {}};
    for (const auto& [name, provider] : providers_) {
      node.items.push_back({provider.jidPrefix + host.domain(), provider.node, provider.name});
    }
    host.advertiseDiscoFeature(api::IqScope::Server, push::kPushNamespace);
    host.advertiseService({kPushLocalpart,
                           "Legacy Kontalk push notifications",
                           {"component", "generic", "Legacy Kontalk push notifications"},
                           {push::kPushNamespace},
                           false,
                           {},
                           {std::move(node)}});
    host.onIq(api::IqScope::Account, push::kPushNamespace, api::IqType::Set,
              [this](const api::IqRequest& request) { return handleRequest(request); });
  }

  // Reads the service account (spec §8.3); a missing or bad one stops the start-up.
  std::unique_ptr<push::PushProvider> makeFcmProvider() const {
    std::ifstream file(settings_.fcmServiceAccountFile);
    if (!file.is_open()) {
      throw std::runtime_error("push: cannot read fcm_service_account_file " +
                               settings_.fcmServiceAccountFile.string());
    }
    std::stringstream text;
    text << file.rdbuf();
    auto account = push::readServiceAccount(text.str());
    if (!account) {
      throw std::runtime_error("push: " + settings_.fcmServiceAccountFile.string() + ": " +
                               account.error().message);
    }
    return std::make_unique<push::FcmProvider>(std::move(*account), settings_.fcmBaseUrl,
                                               settings_.fcmTimeout);
  }

  HandlerResult handleRequest(const api::IqRequest& request) {
    if (request.to.local() != kPushLocalpart) return HandlerResult::Continue;
    // Spec §8.3: only the server's own users register (a remote server could name any token).
    if (request.from.domain() != host_->domain() || request.from.local().empty()) {
      spdlog::info("push: refused a push request from {}", request.from.toString());
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::Forbidden));
      return HandlerResult::Handled;
    }
    auto read = push::readPushRequest(request.payload);
    if (auto* error = std::get_if<StanzaError>(&read)) {
      spdlog::info("push: bad push request from {}: {}", request.from.toString(), error->text);
      host_->replyError(request, *error);
      return HandlerResult::Handled;
    }
    auto pushRequest = std::get<push::PushRequest>(std::move(read));
    if (!providers_.contains(pushRequest.provider)) {
      spdlog::info("push: {} asked for unconfigured provider \"{}\"", request.from.toString(),
                   pushRequest.provider.substr(0, 64));
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::ItemNotFound));
      return HandlerResult::Handled;
    }
    host_->runBlocking(
        [this, kept = api::KeptIqRequest(request), pushRequest = std::move(pushRequest)] {
          store(kept.request(), pushRequest);
        });
    return HandlerResult::Handled;
  }

  // Runs on a worker: a second device's token replaces the first (spec §8.3).
  void store(const api::IqRequest& request, const push::PushRequest& pushRequest) {
    const xmpp::Jid& account = request.from;
    auto& store = host_->storage().push();
    const auto done = pushRequest.registering
                          ? store.put(account.local(), account.domain(), pushRequest.provider,
                                      pushRequest.token, base::unixNow())
                          : store.remove(account.local(), account.domain(), pushRequest.provider);
    if (!done) return host_->replyFailure(request, done.error(), "push registration");
    spdlog::info("push: {} {} with {}", account.bare().toString(),
                 pushRequest.registering ? "registered" : "unregistered", pushRequest.provider);
    host_->replyResult(request);
  }

  // Spec §8.3, §8.4: a message (or, for app servers, a subscription request) that would wake
  // the user, for an account none of whose sessions can take it now. The stanza goes on as
  // usual (offline storage or the detached session's queue): the push only makes the phone
  // connect and fetch it.
  void watch(const xmpp::Jid& account, const push::Wake& wake) {
    const auto now = PushCoalescer::Clock::now();
    if (push::anyReachable(host_->sessionsOf(account), now, settings_.idleAfter)) return;
    PushCoalescer::Verdict verdict;
    {
      std::lock_guard lock(mutex_);
      verdict = coalescer_.trigger(account.toString(), now);
      // What the follow-up push will summarize; bounded by the coalescer's table.
      if (verdict == PushCoalescer::Verdict::Deferred) deferred_[account.toString()].merge(wake);
    }
    switch (verdict) {
      case PushCoalescer::Verdict::PushNow:
        return dispatch(account, wake);
      case PushCoalescer::Verdict::Deferred:
        return;
      case PushCoalescer::Verdict::RateLimited:
        spdlog::info("push: {} had its pushes this minute; dropped one", account.toString());
        return;
      case PushCoalescer::Verdict::TooManyAccounts:
        spdlog::warn("push: tracking too many accounts; dropped a push for {}", account.toString());
        return;
    }
  }

  // Every tick: the pushes that min_interval deferred, unless the account is reachable again.
  void pushDeferred() {
    const auto now = PushCoalescer::Clock::now();
    std::vector<std::pair<std::string, push::Wake>> due;
    {
      std::lock_guard lock(mutex_);
      for (auto& name : coalescer_.takeDue(now)) {
        auto wake = deferred_.extract(name);
        due.emplace_back(std::move(name),
                         wake ? std::move(wake.mapped()) : push::Wake{true, {}, {}});
      }
      coalescer_.prune(now);
      // A follow-up the rate limit dropped leaves nothing to summarize.
      std::erase_if(deferred_, [&](const auto& item) { return !coalescer_.isTracked(item.first); });
    }
    for (const auto& [name, wake] : due) {
      const auto account = xmpp::Jid::parse(name);
      if (!account) continue;
      if (push::anyReachable(host_->sessionsOf(*account), now, settings_.idleAfter)) continue;
      dispatch(*account, wake);
    }
  }

  // A place among max_pending for an XEP-0357 publish.
  bool reservePublish() {
    std::lock_guard lock(mutex_);
    if (queue_.size() + publishes_ >= settings_.maxPending) return false;
    ++publishes_;
    return true;
  }

  // Looks up the account's registrations and queues a push for each; lookups are bounded by
  // max_pending like the queue, so a flood of triggers cannot pile up storage work either.
  void dispatch(const xmpp::Jid& account, const push::Wake& wake) {
    if (lookups_.fetch_add(1) >= settings_.maxPending) {
      lookups_.fetch_sub(1);
      spdlog::warn("push: too many pushes pending; dropped one for {}", account.toString());
      return;
    }
    host_->runBlocking([this, account, wake] {
      if (settings_.appServers) appServers_.publish(account, wake);
      // Spec §8.3: legacy push wakes the Kontalk client for messages only.
      if (!wake.message || providers_.empty()) {
        lookups_.fetch_sub(1);
        return;
      }
      auto registrations = host_->storage().push().find(account.local(), account.domain());
      lookups_.fetch_sub(1);
      if (!registrations) {
        spdlog::warn("push: cannot read the push registrations of {}: {}", account.toString(),
                     registrations.error().message);
        return;
      }
      {
        std::lock_guard lock(mutex_);
        for (auto& registration : *registrations) {
          if (!providers_.contains(registration.provider)) continue;
          if (queue_.size() + publishes_ >= settings_.maxPending ||
              !queue_.add({account.toString(), registration.provider, registration.token})) {
            spdlog::warn("push: {} pushes pending; dropped one for {}", settings_.maxPending,
                         account.toString());
          }
        }
      }
      pump();
    });
  }

  // Starts the queued pushes that are due, within the concurrency bound.
  void pump() {
    std::vector<push::PushJob> ready;
    {
      std::lock_guard lock(mutex_);
      ready = queue_.takeReady(PushCoalescer::Clock::now());
    }
    for (auto& job : ready) {
      host_->runBlocking([this, job = std::move(job)]() mutable { run(std::move(job)); },
                         api::WorkKind::External);
    }
  }

  // Runs on a worker (External).
  void run(push::PushJob job) {
    auto& sender = *providers_.at(job.provider).sender;
    const auto result = sender.send(job.account, job.token);
    if (result.outcome == PushOutcome::TokenRejected) forget(job);
    const auto delay = result.outcome == PushOutcome::Retry
                           ? push::retryDelay(job.retries, result.retryAfter)
                           : std::nullopt;
    {
      std::lock_guard lock(mutex_);
      if (delay) {
        ++job.retries;
        job.notBefore = PushCoalescer::Clock::now() + *delay;
        queue_.retry(std::move(job));
      } else {
        if (result.outcome == PushOutcome::Retry) {
          spdlog::warn("push: giving up on a push for {} after {} retries", job.account,
                       job.retries);
        }
        queue_.finished();
      }
    }
    pump();
  }

  // The provider rejected the token: spec §8.3 deletes the registration, unless the device
  // registered a new token meanwhile.
  void forget(const push::PushJob& job) {
    host_->runBlocking([this, job] {
      const auto account = xmpp::Jid::parse(job.account);
      if (!account) return;
      auto removed = host_->storage().push().removeToken(account->local(), account->domain(),
                                                         job.provider, job.token);
      if (!removed) {
        spdlog::warn("push: cannot delete the rejected registration of {}: {}", job.account,
                     removed.error().message);
      } else if (*removed) {
        spdlog::info("push: {} rejected the token of {}; registration removed", job.provider,
                     job.account);
      }
    });
  }

  PushSettings settings_;
  std::map<std::string, Provider> providers_;  // by provider name; fixed once started
  api::ModuleHost* host_ = nullptr;
  std::mutex mutex_;  // guards coalescer_, deferred_, queue_ and publishes_
  PushCoalescer coalescer_;
  std::unordered_map<std::string, push::Wake> deferred_;  // by account, with a follow-up due
  push::PushQueue queue_;
  std::size_t publishes_ = 0;  // XEP-0357 publishes waiting for their answer
  push::AppServerPusher appServers_;
  std::atomic<std::size_t> lookups_{0};
};

const api::ModuleRegistration kRegistration(api::describeModule<PushModule>(
    "push", "Push notifications: Kontalk legacy push through FCM (spec §8.3) and XEP-0357 (§8.4)",
    {}, push::pushOptions()));

}  // namespace
}  // namespace kontalk::modules
