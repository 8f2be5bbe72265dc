// probe@DOMAIN: roster match (spec §7.4), the Kontalk clients' way of finding which contacts of
// their address book use Kontalk. A local user's request is answered from the local accounts
// and, for the rest, from every peer of the network (the fan-out of spec §7.5); other servers'
// probes (spec §7.6) are answered from the local accounts only.
#include <mutex>
#include <string>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "api/module_descriptor.hpp"
#include "api/network_directory.hpp"
#include "api/network_probe.hpp"
#include "base/encoding.hpp"
#include "modules/probe/fan_out.hpp"
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
      "about are users of this server or of the other servers of the network (modules.network).",
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

// Who asks (spec §7.4, §7.6).
enum class Asker { LocalUser, NetworkServer, Other };

class ProbeModule final : public api::Module, public api::NetworkProbe {
 public:
  explicit ProbeModule(const ProbeSettings& settings) : settings_(settings) {}

  void start(api::ModuleHost& host) override {
    host_ = &host;
    network_ = host.service<api::NetworkDirectory>();
    if (network_ == nullptr) throw std::logic_error("probe: the network module did not start");
    host.advertiseService({kProbeLocalpart,
                           "Kontalk probe engine",
                           {"component", "generic", "Kontalk probe engine"},
                           {probe::kProbeFeature},
                           false,
                           {},
                           {}});
    host.onIq(api::IqScope::Account, probe::kRosterNamespace, api::IqType::Get,
              [this](const api::IqRequest& request) { return handleMatch(request); });
    // Spec §7.4: a client that has not authenticated is not a local user (the request's 'to' is
    // not known before authentication: only probe@ speaks this namespace).
    host.onIq(api::IqScope::Unauthenticated, probe::kRosterNamespace, api::IqType::Get,
              [this](const api::IqRequest& request) {
                host_->replyError(request, StanzaError::of(StanzaErrorCondition::Forbidden));
                return api::HandlerResult::Handled;
              });
    host.provide<api::NetworkProbe>(*this);
  }

  void findOnPeers(std::vector<std::string> localparts, Done done) override {
    askPeers(std::move(localparts), std::move(done));
  }

 private:
  api::HandlerResult handleMatch(const api::IqRequest& request) {
    if (request.to.local() != kProbeLocalpart) return api::HandlerResult::Continue;
    const Asker asker = askerOf(request.from);
    if (asker == Asker::Other) {
      spdlog::info("probe: refused a roster match from {}", request.from.toString());
      host_->replyError(request, StanzaError::of(StanzaErrorCondition::Forbidden));
      return api::HandlerResult::Handled;
    }
    auto asked = probe::readRosterMatch(request.payload, host_->domain(), settings_.maxItems);
    if (!asked) {
      const bool tooMany = asked.error().is(StatusCode::Overloaded);
      spdlog::info("probe: refused a roster match from {}: {}", request.from.toString(),
                   asked.error().message);
      host_->replyError(request, StanzaError::of(tooMany ? StanzaErrorCondition::PolicyViolation
                                                         : StanzaErrorCondition::BadRequest,
                                                 tooMany ? "" : asked.error().message));
      return api::HandlerResult::Handled;
    }
    if (asker == Asker::NetworkServer) {
      spdlog::debug("probe: {} asks about {} number(s)", request.from.toString(), asked->size());
      // Spec §7.6: from the local accounts only, never fanned out (no loops between servers).
      host_->runBlocking([this, kept = api::KeptIqRequest(request), asked = std::move(*asked)] {
        if (auto local = localMatches(asked)) {
          host_->replyResult(kept.request(), probe::rosterMatchAnswer(local->matches));
        } else {
          host_->replyFailure(kept.request(), local.error(), "roster match");
        }
      });
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
      answerLocalUser(kept, asked, user);
    });
    return api::HandlerResult::Handled;
  }

  Asker askerOf(const xmpp::Jid& from) const {
    if (from.domain() == host_->domain()) return Asker::LocalUser;
    // Spec §7.6: probe@X of a network domain X (enabled or not) that is a member (spec §7.2:
    // with [s2s] require_certificate, one whose links showed a valid certificate); that X is
    // authenticated on its stream is the s2s layer's business.
    if (from.local() == kProbeLocalpart && from.resource().empty() &&
        network_->isMember(from.domain())) {
      return Asker::NetworkServer;
    }
    return Asker::Other;
  }

  struct LocalMatches {
    std::vector<xmpp::Jid> matches;      // request order
    std::vector<std::string> elsewhere;  // the localparts of the others, request order
  };

  // On a worker: spec §7.5 step 1.
  Result<LocalMatches> localMatches(const std::vector<xmpp::Jid>& asked) {
    LocalMatches result;
    for (const auto& jid : asked) {
      auto account = host_->accounts().find(jid);
      if (!account) return tl::unexpected(account.error());
      if (*account) {
        result.matches.push_back(jid);
      } else {
        result.elsewhere.push_back(jid.local());
      }
    }
    return result;
  }

  // On a worker: local matches, then the peers' (spec §7.5 step 5).
  void answerLocalUser(const api::KeptIqRequest& kept, const std::vector<xmpp::Jid>& asked,
                       const std::string& user) {
    auto local = localMatches(asked);
    if (!local) {
      host_->replyFailure(kept.request(), local.error(), "roster match");
      release(user);
      return;
    }
    askPeers(std::move(local->elsewhere), [this, kept, matches = std::move(local->matches),
                                           user](std::vector<xmpp::Jid> peerMatches) mutable {
      matches.insert(matches.end(), peerMatches.begin(), peerMatches.end());
      // The answer comes from probe@DOMAIN (request.to): Smack drops replies without
      // it (spec §0); if the session ended meanwhile, the router drops it.
      host_->replyResult(kept.request(), probe::rosterMatchAnswer(matches));
      release(user);
    });
  }

  // Spec §7.5 steps 2-4: one IQ per peer, each with a fresh id; `done` once all are done.
  void askPeers(std::vector<std::string> candidates, const Done& done) {
    auto peers = network_->peers();
    if (candidates.empty() || peers.empty()) {
      done({});
      return;
    }
    auto fanOut = std::make_shared<probe::FanOut>(std::move(peers), std::move(candidates));
    const std::string from = std::string(kProbeLocalpart) + "@" + host_->domain();
    for (std::size_t index = 0; index < fanOut->peers().size(); ++index) {
      auto settle = [fanOut, index, done](const xml::Element* response) {
        if (fanOut->settle(index, response)) done(fanOut->matches());
      };
      const std::string id = base::randomAlphanumeric(16);
      spdlog::debug("probe: asking {} about {} number(s), id {}", fanOut->peers()[index],
                    fanOut->candidates(), id);
      // A refused request (the server's table of waiting requests is full) is a peer done.
      if (!host_->sendIq(fanOut->request(index, from, id), network_->probeTimeout(),
                         [settle, peer = fanOut->peers()[index]](const xml::Element& response) {
                           // Spec §7.5 step 4: an error (unreachable, timed out, refused) is
                           // "no matches" from that peer.
                           if (response.attribute("type") == "error") {
                             spdlog::debug("probe: {} answered with an error", peer);
                           }
                           settle(&response);
                         })) {
        settle(nullptr);
      }
    }
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
  const api::NetworkDirectory* network_ = nullptr;
  std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> pending_;
};

const api::ModuleRegistration kRegistration(api::describeModule<ProbeModule>(
    "probe", "Roster match at probe@DOMAIN, across the network (spec §7.4-§7.6)", {"network"},
    probeOptions()));

}  // namespace
}  // namespace kontalk::modules
