// probe@DOMAIN: roster match (spec §7.4), the Kontalk clients' way of finding which contacts of
// their address book use Kontalk. Answered from the local accounts; asking the other servers of
// the Kontalk network (spec §7.5) comes with federation.
#include <atomic>
#include <mutex>
#include <string>
#include <unordered_map>

#include "api/module_descriptor.hpp"
#include "modules/probe/roster_match.hpp"

namespace kontalk::modules {
namespace {

using probe::kProbeLocalpart;
using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

struct ProbeSettings {
  std::size_t maxItems = 500;  // spec §7.4: the clients send slices of at most 500
  std::size_t maxPendingPerUser = 20;
};

const config::Section<ProbeSettings>& probeOptions() {
  static const config::Section<ProbeSettings> section(
      "modules.probe",
      "Roster match at probe@DOMAIN (spec §7.4): which of the hashed phone numbers a client asks "
      "about are users of this server.",
      [](config::SectionBuilder<ProbeSettings>& option) {
        option.integer("max_items", &ProbeSettings::maxItems, std::size_t{1}, std::size_t{100'000},
                       "items in one request; more are refused with policy-violation");
        option.integer("max_pending_per_user", &ProbeSettings::maxPendingPerUser, std::size_t{1},
                       std::size_t{10'000},
                       "unanswered requests of one user; more are refused with "
                       "resource-constraint (wait)");
      });
  return section;
}

class ProbeModule final : public api::Module {
 public:
  explicit ProbeModule(const ProbeSettings& settings) : settings_(settings) {}

  void start(api::ModuleHost& host) override {
    host_ = &host;
    host.advertiseService({kProbeLocalpart,
                           "Kontalk probe engine",
                           {"component", "generic", "Kontalk probe engine"},
                           {probe::kProbeFeature}});
    host.onIq(api::IqScope::Account, probe::kRosterNamespace, api::IqType::Get,
              [this](const api::IqRequest& request) { return handleMatch(request); });
  }

 private:
  api::HandlerResult handleMatch(const api::IqRequest& request) {
    if (request.to.local() != kProbeLocalpart) return api::HandlerResult::Continue;
    // Spec §7.4: authenticated local users (other servers' probes come with federation).
    if (request.from.domain() != host_->domain()) {
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::Forbidden));
      return api::HandlerResult::Handled;
    }
    auto asked = probe::readRosterMatch(request.payload, host_->domain(), settings_.maxItems);
    if (!asked) {
      const bool tooMany = asked.error().is(StatusCode::Overloaded);
      host_->replyError(request, StanzaError::of(tooMany ? StanzaErrorCondition::PolicyViolation
                                                         : StanzaErrorCondition::BadRequest,
                                                 tooMany ? "" : asked.error().message));
      return api::HandlerResult::Handled;
    }
    const std::string user = request.from.bareString();
    if (!admit(user)) {
      auto error = StanzaError::of(StanzaErrorCondition::ResourceConstraint);
      error.type = xmpp::StanzaErrorType::Wait;
      host_->replyError(request, error);
      return api::HandlerResult::Handled;
    }
    host_->runBlocking([this, kept = api::KeptIqRequest(request), asked = std::move(*asked), user] {
      answer(kept.request(), asked);
      release(user);
    });
    return api::HandlerResult::Handled;
  }

  // On a worker: the local matches, in request order.
  void answer(const api::IqRequest& request, const std::vector<xmpp::Jid>& asked) {
    std::vector<xmpp::Jid> matches;
    for (const auto& jid : asked) {
      auto account = host_->accounts().find(jid);
      if (!account) return host_->replyFailure(request, account.error(), "roster match");
      if (*account) matches.push_back(jid);
    }
    // The answer comes from probe@DOMAIN (request.to): Smack drops replies without it (spec §0).
    host_->replyResult(request, probe::rosterMatchAnswer(matches));
  }

  // At most maxPendingPerUser unanswered requests per user (spec §7.4).
  bool admit(const std::string& user) {
    std::lock_guard lock(mutex_);
    auto& count = pending_[user];
    if (count >= settings_.maxPendingPerUser) return false;
    ++count;
    return true;
  }

  void release(const std::string& user) {
    std::lock_guard lock(mutex_);
    if (auto entry = pending_.find(user); entry != pending_.end() && --entry->second == 0) {
      pending_.erase(entry);
    }
  }

  const ProbeSettings settings_;
  api::ModuleHost* host_ = nullptr;
  std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> pending_;
};

const api::ModuleRegistration kRegistration(api::describeModule<ProbeModule>(
    "probe", "Roster match at probe@DOMAIN (spec §7.4)", {}, probeOptions()));

}  // namespace
}  // namespace kontalk::modules
