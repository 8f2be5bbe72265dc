#include "modules/push/app_server_pusher.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "storage/storage.hpp"
#include "xml/element_text.hpp"
#include "xml/serializer.hpp"

namespace kontalk::modules::push {
namespace {

using api::HandlerResult;
using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

std::string entryKey(const std::string& account, const std::string& jid, const std::string& node) {
  return account + '\n' + jid + '\n' + node;
}

}  // namespace

AppServerPusher::AppServerPusher(const PushSettings& settings, std::function<bool()> reserve,
                                 std::function<void()> release)
    : settings_(settings),
      reserve_(std::move(reserve)),
      release_(std::move(release)),
      failures_(settings.maxTrackedAccounts) {}

void AppServerPusher::start(api::ModuleHost& host) {
  host_ = &host;
  host.advertiseDiscoFeature(api::IqScope::Account, kAppPushNamespace);
  host.onIq(api::IqScope::Account, kAppPushNamespace, api::IqType::Set,
            [this](const api::IqRequest& request) { return handleRequest(request); });
}

HandlerResult AppServerPusher::handleRequest(const api::IqRequest& request) {
  // Spec §8.4: to the user's own bare JID (or no 'to'); nobody enables pushes for another.
  if (request.from.domain() != host_->domain() || request.from.local().empty() ||
      request.to.bareString() != request.from.bareString()) {
    spdlog::info("push: refused an XEP-0357 request from {} to {}", request.from.toString(),
                 request.to.toString());
    host_->replyError(request, StanzaError::of(StanzaErrorCondition::Forbidden));
    return HandlerResult::Handled;
  }
  auto read = readAppServerRequest(request.payload);
  if (auto* error = std::get_if<StanzaError>(&read)) {
    spdlog::info("push: bad XEP-0357 request from {}: {}", request.from.toString(), error->text);
    host_->replyError(request, *error);
    return HandlerResult::Handled;
  }
  host_->runBlocking([this, kept = api::KeptIqRequest(request),
                      appRequest = std::get<AppServerRequest>(std::move(read))] {
    store(kept.request(), appRequest);
  });
  return HandlerResult::Handled;
}

// Runs on a worker.
void AppServerPusher::store(const api::IqRequest& request, const AppServerRequest& appRequest) {
  const xmpp::Jid& account = request.from;
  auto& store = host_->storage().push();
  if (!appRequest.enabling) {
    // Spec §8.4: without node every entry of the jid goes; nothing to remove is no error.
    auto removed =
        store.removeAppServers(account.local(), account.domain(), appRequest.jid, appRequest.node);
    if (!removed) return host_->replyFailure(request, removed.error(), "push disable");
    spdlog::info("push: {} disabled {} XEP-0357 entr{} of {}", account.bareString(), *removed,
                 *removed == 1 ? "y" : "ies", appRequest.jid);
    return host_->replyResult(request);
  }
  storage::PushAppServer entry{appRequest.jid, appRequest.node.value_or(""),
                               appRequest.options ? xml::serialize(*appRequest.options) : "",
                               base::unixNow()};
  auto put = store.putAppServer(account.local(), account.domain(), entry, settings_.maxAppServers);
  if (!put) return host_->replyFailure(request, put.error(), "push enable");
  if (*put == storage::AppServerPut::TooMany) {
    spdlog::info("push: {} has {} XEP-0357 entries; refused another", account.bareString(),
                 settings_.maxAppServers);
    return host_->replyError(request,
                             StanzaError::of(StanzaErrorCondition::ResourceConstraint,
                                             "At most " + std::to_string(settings_.maxAppServers) +
                                                 " push services per account."));
  }
  spdlog::info("push: {} enabled XEP-0357 with {} node \"{}\"", account.bareString(), entry.jid,
               entry.node);
  host_->replyResult(request);
}

void AppServerPusher::publish(const xmpp::Jid& account, const Wake& wake) {
  auto& store = host_->storage().push();
  auto entries = store.appServers(account.local(), account.domain());
  if (!entries) {
    spdlog::warn("push: cannot read the XEP-0357 entries of {}: {}", account.toString(),
                 entries.error().message);
    return;
  }
  if (entries->empty()) return;
  auto waiting = store.waiting(account.local(), account.domain(), base::unixNow());
  if (!waiting) {
    spdlog::warn("push: cannot count what waits for {}: {}", account.toString(),
                 waiting.error().message);
    return;
  }
  // The message that triggered may not be stored yet (the journal commits in groups), or it
  // sits in a detached session's queue: it is waiting all the same.
  PushSummary summary{waiting->messages, waiting->subscriptions, std::nullopt, std::nullopt};
  if (wake.message) {
    summary.messageCount = std::max<std::int64_t>(summary.messageCount, 1);
    if (settings_.includeSender) summary.lastMessageSender = wake.lastSender;
    if (settings_.includeBody && !wake.lastBody.empty()) summary.lastMessageBody = wake.lastBody;
  } else {
    summary.pendingSubscriptionCount = std::max<std::int64_t>(summary.pendingSubscriptionCount, 1);
  }
  const std::string accountName = account.bareString();
  for (auto& entry : *entries) {
    if (!reserve_()) {
      spdlog::warn("push: {} pushes pending; dropped a publish for {}", settings_.maxPending,
                   accountName);
      continue;
    }
    std::optional<xml::Element> options;
    if (!entry.options.empty()) {
      options = xml::parseElement(entry.options, kDataFormsNamespace);
    }
    auto iq = makePublish(host_->domain(), entry.jid, entry.node, summary, options,
                          "push" + std::to_string(nextId_.fetch_add(1)));
    const bool sent = host_->sendIq(std::move(iq), settings_.appServerTimeout,
                                    [this, accountName, entry](const xml::Element& response) {
                                      release_();
                                      answered(accountName, entry, response);
                                    });
    if (!sent) {
      release_();
      spdlog::warn("push: too many IQs waiting; dropped a publish for {}", accountName);
    }
  }
}

// Runs on a shard.
void AppServerPusher::answered(const std::string& account, const storage::PushAppServer& entry,
                               const xml::Element& response) {
  const PublishAnswer answer = classifyPublishAnswer(response);
  PublishFailures::Action action;
  {
    std::lock_guard lock(mutex_);
    action = failures_.record(entryKey(account, entry.jid, entry.node), answer);
  }
  if (answer == PublishAnswer::Done) {
    spdlog::debug("push: {} took the publish for {}", entry.jid, account);
    return;
  }
  const auto* error = response.child("error", response.xmlns());
  const std::string condition =
      error != nullptr && error->firstChild() != nullptr ? error->firstChild()->name() : "?";
  if (action == PublishFailures::Action::Keep) {
    spdlog::info("push: {} answered a publish for {} with {} (transient)", entry.jid, account,
                 condition);
    return;
  }
  disable(account, entry.jid, entry.node,
          answer == PublishAnswer::Transient ? std::to_string(kMaxTransientFailures) +
                                                   " transient errors in a row (" + condition + ")"
                                             : "error " + condition);
}

bool AppServerPusher::handleRemoval(const xml::Element& message, const xmpp::Jid& from,
                                    const xmpp::Jid& to) {
  if (message.name() != "message") return false;
  auto node = removedNode(message, to.bareString());
  if (!node) return false;
  disable(to.bareString(), from.toString(), *node, "its affiliation message");
  return true;
}

void AppServerPusher::disable(const std::string& account, const std::string& jid,
                              const std::string& node, const std::string& why) {
  host_->runBlocking([this, account, jid, node, why] {
    const auto user = xmpp::Jid::parse(account);
    if (!user) return;
    auto removed =
        host_->storage().push().removeAppServers(user->local(), user->domain(), jid, node);
    if (!removed) {
      spdlog::warn("push: cannot disable the XEP-0357 entry {} \"{}\" of {}: {}", jid, node,
                   account, removed.error().message);
    } else if (*removed > 0) {
      spdlog::info("push: disabled the XEP-0357 entry {} \"{}\" of {} after {}", jid, node, account,
                   why);
    }
  });
}

}  // namespace kontalk::modules::push
