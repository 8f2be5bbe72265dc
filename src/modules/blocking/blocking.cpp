#include "api/module_descriptor.hpp"

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

#include <spdlog/spdlog.h>

#include "api/ordered_work.hpp"
#include "modules/blocking/block_items.hpp"
#include "modules/blocking/block_lists.hpp"
#include "modules/blocking/blocking_settings.hpp"
#include "modules/blocking/stanza_filter.hpp"
#include "storage/storage.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using blocking::BlockLists;
using blocking::Verdict;
using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

// Before carbons (50), the roster (100) and CSI: a blocked stanza must not reach or leave
// anything else (a refused message gets no sent carbon either).
constexpr int kFilterOrder = 40;

class BlockingModule final : public api::Module {
 public:
  explicit BlockingModule(const blocking::BlockingSettings& settings) : settings_(settings) {}

  void start(api::ModuleHost& host) override {
    host_ = &host;
    editor_ = std::make_unique<api::OrderedWork>(host);
    loadBlockLists();
    host.advertiseDiscoFeature(api::IqScope::Server, ns::kBlocking);
    host.onIq(api::IqScope::Account, ns::kBlocking, api::IqType::Get,
              [this](const api::IqRequest& request) { return handleGet(request); });
    host.onIq(api::IqScope::Account, ns::kBlocking, api::IqType::Set,
              [this](const api::IqRequest& request) { return handleSet(request); });
    host.onStanza(api::StanzaHook::FromClient, kFilterOrder, [this](api::StanzaEvent& event) {
      return enforce(
          blocking::filterFromClient(lists_, event.stanza, event.from, event.to, host_->domain()),
          event.stanza);
    });
    for (auto hook : {api::StanzaHook::ToAccount, api::StanzaHook::ToSession}) {
      host.onStanza(hook, kFilterOrder, [this](api::StanzaEvent& event) {
        return enforce(blocking::filterToRecipient(lists_, event.stanza, event.from, event.to,
                                                   host_->domain()),
                       event.stanza);
      });
    }
    host.onSession(api::SessionEvent::Closed, [this](const api::Session& session) {
      std::lock_guard lock(mutex_);
      listeners_.erase(session.jid().toString());
    });
  }

 private:
  // Every block list in memory before the first stanza: checks must never wait for storage,
  // and stanzas to accounts without any session (offline storage, subscriptions) are checked
  // too. Storage is still only touched on a worker; start() waits for it.
  void loadBlockLists() {
    std::promise<Result<std::vector<storage::BlockEntry>>> loaded;
    auto entries = loaded.get_future();
    host_->runBlocking(
        [this, &loaded] { loaded.set_value(host_->storage().blocking().all(host_->domain())); });
    auto all = entries.get();
    if (!all) throw std::runtime_error("blocking: cannot load block lists: " + all.error().message);
    for (const auto& entry : *all) lists_.add(entry.username + "@" + entry.domain, {entry.jid});
  }

  api::HandlerResult enforce(Verdict verdict, const xml::Element& stanza) {
    switch (verdict) {
      case Verdict::Pass:
        return api::HandlerResult::Continue;
      case Verdict::Drop:
        break;
      case Verdict::RefuseBlocked: {
        auto reply =
            xmpp::makeErrorReply(stanza, StanzaError::of(StanzaErrorCondition::NotAcceptable));
        reply.child("error", reply.xmlns())->addChild("blocked", ns::kBlockingErrors);
        host_->send(std::move(reply));
        break;
      }
      case Verdict::ServiceUnavailable:
        host_->send(xmpp::makeErrorReply(
            stanza, StanzaError::of(StanzaErrorCondition::ServiceUnavailable)));
        break;
    }
    return api::HandlerResult::Handled;
  }

  // Only the account itself manages its block list.
  bool fromOwner(const api::IqRequest& request) {
    if (request.from.bare() == request.to.bare()) return true;
    host_->replyError(request, StanzaError::of(StanzaErrorCondition::Forbidden));
    return false;
  }

  api::HandlerResult handleGet(const api::IqRequest& request) {
    if (request.payload.name() != "blocklist") return api::HandlerResult::Continue;
    if (!fromOwner(request)) return api::HandlerResult::Handled;
    xml::Element list("blocklist", ns::kBlocking);
    for (const auto& jid : lists_.list(request.to.bareString())) {
      list.addChild("item", ns::kBlocking).setAttribute("jid", jid);
    }
    {
      // XEP-0191 §3.3: pushes go to the resources that asked for the list.
      std::lock_guard lock(mutex_);
      listeners_.insert(request.from.toString());
    }
    host_->replyResult(request, std::move(list));
    return api::HandlerResult::Handled;
  }

  api::HandlerResult handleSet(const api::IqRequest& request) {
    const std::string& action = request.payload.name();
    if (action != "block" && action != "unblock") return api::HandlerResult::Continue;
    if (!fromOwner(request)) return api::HandlerResult::Handled;
    auto jids = blocking::readBlockItems(request.payload, settings_.maxItemsPerRequest);
    if (!jids) {
      host_->replyError(request, jids.error());
      return api::HandlerResult::Handled;
    }
    if (action == "block") {
      block(request, std::move(*jids));
    } else {
      unblock(request, std::move(*jids));
    }
    return api::HandlerResult::Handled;
  }

  void block(const api::IqRequest& request, std::vector<std::string> jids) {
    const std::string account = request.to.bareString();
    if (jids.empty()) {  // XEP-0191 §3.3: a block needs at least one item
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::BadRequest,
                                                 "Name at least one JID to block."));
      return;
    }
    std::size_t added = 0;
    for (const auto& jid : jids) {
      if (!lists_.contains(account, jid)) ++added;
    }
    if (lists_.size(account) + added > settings_.maxItems) {
      host_->replyError(request,
                        StanzaError::of(StanzaErrorCondition::PolicyViolation,
                                        "A block list holds at most " +
                                            std::to_string(settings_.maxItems) + " entries."));
      return;
    }
    // Edits apply in the order the client sent them.
    editor_->post(account, [this, kept = api::KeptIqRequest(request), jids = std::move(jids)] {
      const auto job = kept.request();
      const auto& owner = job.to;
      if (auto stored = host_->storage().blocking().block(owner.local(), owner.domain(), jids);
          !stored) {
        return host_->replyFailure(job, stored.error(), "block list of " + owner.toString());
      }
      lists_.add(owner.bareString(), jids);
      host_->replyResult(job);
      push(owner, "block", jids);
      sendUnavailableTo(owner, jids);
    });
  }

  void unblock(const api::IqRequest& request, std::vector<std::string> jids) {
    // Edits apply in the order the client sent them.
    editor_->post(request.to.bareString(), [this, kept = api::KeptIqRequest(request),
                                            jids = std::move(jids)] {
      const auto job = kept.request();
      const auto& owner = job.to;
      auto& store = host_->storage().blocking();
      // XEP-0191 §3.4: an unblock without items unblocks everything.
      auto stored = jids.empty() ? store.unblockAll(owner.local(), owner.domain())
                                 : store.unblock(owner.local(), owner.domain(), jids);
      if (!stored) {
        return host_->replyFailure(job, stored.error(), "block list of " + owner.toString());
      }
      if (jids.empty()) {
        lists_.clear(owner.bareString());
      } else {
        lists_.remove(owner.bareString(), jids);
      }
      host_->replyResult(job);
      push(owner, "unblock", jids);
    });
  }

  // XEP-0191 §3.3, §3.4: every resource of the account that asked for the list learns of the
  // change, the requesting one included.
  void push(const xmpp::Jid& owner, const std::string& action,
            const std::vector<std::string>& jids) {
    for (const auto& session : host_->sessionsOf(owner)) {
      const std::string target = session->jid().toString();
      {
        std::lock_guard lock(mutex_);
        if (!listeners_.contains(target)) continue;
      }
      xml::Element iq("iq", ns::kClient);
      iq.setAttribute("type", "set");
      iq.setAttribute("id", "block-push-" + std::to_string(++pushCounter_));
      iq.setAttribute("from", owner.toString());
      iq.setAttribute("to", target);
      auto& payload = iq.addChild(action, ns::kBlocking);
      for (const auto& jid : jids) payload.addChild("item", ns::kBlocking).setAttribute("jid", jid);
      host_->send(std::move(iq));
    }
  }

  // XEP-0191 §3.3: a newly blocked contact sees the user's available resources go unavailable.
  // Only local accounts can be told (there is no federation yet).
  void sendUnavailableTo(const xmpp::Jid& owner, const std::vector<std::string>& jids) {
    for (const auto& session : host_->sessionsOf(owner)) {
      if (!session->isAvailable()) continue;
      for (const auto& text : jids) {
        auto contact = xmpp::Jid::parse(text);
        if (!contact || contact->local().empty() || contact->domain() != host_->domain()) continue;
        xml::Element presence("presence", ns::kClient);
        presence.setAttribute("type", "unavailable");
        presence.setAttribute("from", session->jid().toString());
        presence.setAttribute("to", text);
        host_->send(std::move(presence));
      }
    }
  }

  api::ModuleHost* host_ = nullptr;
  blocking::BlockingSettings settings_;
  BlockLists lists_;
  std::unique_ptr<api::OrderedWork> editor_;  // by account: edits apply in the order sent
  std::mutex mutex_;
  std::set<std::string> listeners_;  // full JIDs of sessions that requested the block list
  std::atomic<std::uint64_t> pushCounter_{0};
};

const api::ModuleRegistration kRegistration(api::describeModule<BlockingModule>(
    "blocking", "Blocking (XEP-0191)", {}, blocking::blockingOptions()));

}  // namespace

}  // namespace kontalk::modules
