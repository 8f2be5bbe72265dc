// Ad-hoc commands (XEP-0050): the framework other modules add their commands to
// (api/adhoc_commands.hpp), and the admin commands (XEP-0133, admin_commands.hpp) for the
// accounts [modules.adhoc] admins names. Commands live at the server's domain or at a service
// address of it (network@DOMAIN's serverlist, spec §7.3); their requests reach this module, which
// checks who may run them, keeps the multi-stage sessions (command_sessions.hpp) and answers.
#include <map>
#include <memory>
#include <shared_mutex>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "api/account_administration.hpp"
#include "api/adhoc_commands.hpp"
#include "api/module_descriptor.hpp"
#include "modules/adhoc/adhoc_settings.hpp"
#include "modules/adhoc/admin_commands.hpp"
#include "modules/adhoc/command_exchange.hpp"
#include "modules/adhoc/command_sessions.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using namespace adhoc;
using api::HandlerResult;
using api::IqRequest;
using api::IqScope;
using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

// How often sessions nobody continued are looked for.
constexpr std::chrono::seconds kExpiryInterval{10};

class AdHocModule final : public api::Module, public api::AdHocCommands {
 public:
  explicit AdHocModule(const AdHocSettings& settings)
      : settings_(settings), sessions_(settings.maxSessionsPerUser, settings.sessionTimeout) {}

  void start(api::ModuleHost& host) override {
    host_ = &host;
    host.provide<api::AdHocCommands>(*this);
    host.advertiseDiscoFeature(IqScope::Server, ns::kCommands);
    for (auto scope : {IqScope::Server, IqScope::Account}) {
      host.onIq(scope, ns::kCommands, api::IqType::Set,
                [this, scope](const IqRequest& request) { return handleCommand(request, scope); });
    }
    host.onInterval(kExpiryInterval, [this] {
      if (auto ended = sessions_.expire(CommandSessions::Clock::now()); ended > 0) {
        spdlog::info("adhoc: {} command session(s) expired", ended);
      }
    });
    if (auto* administration = host.service<api::AccountAdministration>()) {
      addAdminCommands(*this, host, *administration, settings_.admins);
    } else {
      spdlog::warn("adhoc: the server offers no account administration: no admin commands");
    }
  }

  void addCommand(api::AdHocCommand command) override {
    std::unique_lock lock(mutex_);
    Key key{command.address, command.node};
    if (!commands_.emplace(std::move(key), std::make_shared<api::AdHocCommand>(std::move(command)))
             .second) {
      throw std::logic_error("adhoc: a command is added twice");
    }
  }

  void removeCommand(const std::string& address, const std::string& node) override {
    std::unique_lock lock(mutex_);
    commands_.erase(Key{address, node});
  }

  std::vector<api::DiscoItem> commandsFor(const std::string& address,
                                          const xmpp::Jid& requester) const override {
    const std::string jid = address.empty() ? host_->domain() : address + "@" + host_->domain();
    std::vector<api::DiscoItem> items;
    std::shared_lock lock(mutex_);
    for (const auto& [key, command] : commands_) {
      if (key.first == address && command->mayExecute(requester)) {
        items.push_back({jid, command->node, command->name});
      }
    }
    return items;
  }

 private:
  using Key = std::pair<std::string, std::string>;  // (address, node)

  std::shared_ptr<const api::AdHocCommand> find(const std::string& address,
                                                const std::string& node) const {
    std::shared_lock lock(mutex_);
    const auto found = commands_.find(Key{address, node});
    return found == commands_.end() ? nullptr : found->second;
  }

  HandlerResult handleCommand(const IqRequest& request, IqScope scope) {
    const std::string address = scope == IqScope::Server ? "" : request.to.local();
    auto read = readCommandRequest(request.payload);
    if (auto* error = std::get_if<StanzaError>(&read)) return refuse(request, *error, "malformed");
    auto& command = std::get<CommandRequest>(read);
    auto handler = find(address, command.node);
    if (handler == nullptr) {
      // An account's commands are its clients' business: the router answers for it.
      if (scope == IqScope::Account && !hasAddress(address)) return HandlerResult::Continue;
      return refuse(request, StanzaError::of(StanzaErrorCondition::ItemNotFound), "unknown");
    }
    // XEP-0050 §4.6: forbidden, also to continue a session (the admin list may have changed).
    if (!handler->mayExecute(request.from)) {
      return refuse(request, StanzaError::of(StanzaErrorCondition::Forbidden), "unauthorized");
    }
    const auto now = CommandSessions::Clock::now();
    std::vector<xmpp::DataForm> submitted;
    std::string sessionId = command.sessionId;
    if (sessionId.empty()) {
      // A new execution: only execute starts one; the others continue a session.
      if (command.action != CommandAction::Execute) {
        return refuse(request, commandError(StanzaErrorCondition::BadRequest, "bad-sessionid"),
                      "no session");
      }
      auto opened = sessions_.open(request.from, address, command.node, now);
      if (auto* error = std::get_if<StanzaError>(&opened)) return refuse(request, *error, "busy");
      sessionId = std::get<std::string>(opened);
    } else {
      auto resumed = sessions_.resume(request.from, sessionId, address, command.node,
                                      command.action, std::move(command.form), now);
      if (auto* error = std::get_if<StanzaError>(&resumed)) {
        return refuse(request, *error, "session");
      }
      auto& session = std::get<CommandSessions::Resumed>(resumed);
      if (session.canceled) {
        host_->replyResult(request, canceledAnswer(command.node, sessionId));
        return HandlerResult::Handled;
      }
      submitted = std::move(session.submitted);
    }
    const bool hasPrevious = !submitted.empty();
    api::AdHocRequest input{request.from, std::move(submitted)};
    handler->execute(input, [this, kept = api::KeptIqRequest(request), node = command.node,
                             sessionId, hasPrevious](api::AdHocStep step) {
      answer(kept.request(), node, sessionId, std::move(step), hasPrevious);
    });
    return HandlerResult::Handled;
  }

  // Any thread: the command's answer to one stage.
  void answer(const IqRequest& request, const std::string& node, const std::string& sessionId,
              api::AdHocStep step, bool hasPrevious) {
    if (step.kind == api::AdHocStep::Kind::Error) {
      sessions_.close(sessionId);
      spdlog::info("adhoc: command {} of {} failed: {}", node, request.from.toString(),
                   xmpp::conditionName(step.error->condition));
      host_->replyError(request, *step.error);
      return;
    }
    if (step.kind == api::AdHocStep::Kind::Form) {
      sessions_.answered(sessionId, step.lastStage, CommandSessions::Clock::now());
    } else {
      sessions_.close(sessionId);
    }
    host_->replyResult(request, commandAnswer(node, sessionId, step, hasPrevious));
  }

  bool hasAddress(const std::string& address) const {
    std::shared_lock lock(mutex_);
    const auto found = commands_.lower_bound(Key{address, ""});
    return found != commands_.end() && found->first.first == address;
  }

  HandlerResult refuse(const IqRequest& request, const StanzaError& error, std::string_view why) {
    spdlog::info("adhoc: refused command node '{}' action '{}' from {} ({}: {})",
                 request.payload.attribute("node"), request.payload.attribute("action"),
                 request.from.toString(), why, xmpp::conditionName(error.condition));
    host_->replyError(request, error);
    return HandlerResult::Handled;
  }

  const AdHocSettings settings_;
  api::ModuleHost* host_ = nullptr;
  CommandSessions sessions_;
  mutable std::shared_mutex mutex_;  // commands_: added at start, read on every shard
  std::map<Key, std::shared_ptr<const api::AdHocCommand>> commands_;
};

const api::ModuleRegistration kRegistration(api::describeModule<AdHocModule>(
    "adhoc", "Ad-hoc commands (XEP-0050) and admin commands for configured admins (XEP-0133)", {},
    adhocOptions()));

}  // namespace
}  // namespace kontalk::modules
