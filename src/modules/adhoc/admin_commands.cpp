#include "modules/adhoc/admin_commands.hpp"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

namespace kontalk::modules::adhoc {
namespace {

using api::AdHocStep;
using xmpp::DataForm;
using xmpp::DataFormField;
using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

// get-online-users-list names at most this many accounts: one answer stays far below the
// stanza size limit.
constexpr std::size_t kMaxListedUsers = 1000;

std::string node(const char* name) {
  return std::string(kAdminNamespace) + "#" + name;
}

// XEP-0133 §3: every form carries FORM_TYPE = the admin namespace.
DataForm adminForm(std::string type, std::string title, std::vector<DataFormField> fields) {
  DataForm form{std::move(type), std::move(title), {}};
  form.fields.push_back({"FORM_TYPE", "hidden", "", {kAdminNamespace}});
  for (auto& field : fields) form.fields.push_back(std::move(field));
  return form;
}

StanzaError badRequest(std::string text) {
  auto error = StanzaError::of(StanzaErrorCondition::BadRequest, std::move(text));
  error.type = xmpp::StanzaErrorType::Modify;
  return error;
}

// The error a user sees for a failed account edit: what went wrong for a permanent failure of
// the request, the server's failure otherwise (its message stays in the log).
StanzaError editError(const Status& status) {
  switch (status.code) {
    case StatusCode::AlreadyExists:
      return StanzaError::of(StanzaErrorCondition::Conflict, status.message);
    case StatusCode::NotFound:
      return StanzaError::of(StanzaErrorCondition::ItemNotFound, status.message);
    case StatusCode::InvalidArgument:
      return StanzaError::of(StanzaErrorCondition::NotAcceptable, status.message);
    default:
      spdlog::warn("adhoc: an account edit failed: {}", status.message);
      return StanzaError::serverFailure(status);
  }
}

class AdminCommands {
 public:
  AdminCommands(api::ModuleHost& host, api::AccountAdministration& administration,
                std::vector<xmpp::Jid> admins)
      : host_(host), administration_(administration), admins_(std::move(admins)) {}

  bool isAdmin(const xmpp::Jid& requester) const {
    return std::find(admins_.begin(), admins_.end(), requester.bare()) != admins_.end();
  }

  // The localpart of `text` when it is a bare JID of this server's domain.
  std::optional<std::string> localAccount(std::string_view text) const {
    auto jid = xmpp::Jid::parse(text);
    if (!jid || !jid->isBare() || jid->local().empty() || jid->domain() != host_.domain()) {
      return std::nullopt;
    }
    return jid->local();
  }

  // XEP-0133 §4.1: add-user.
  void addUser(const api::AdHocRequest& request, api::AdHocAnswer answer) {
    if (request.submitted.empty()) {
      answer(AdHocStep::ask(
          adminForm("form", "Adding a user",
                    {{"accountjid", "jid-single", "The Jabber ID for the account to be added", {}},
                     {"password", "text-private", "The password for this account", {}},
                     {"password-verify", "text-private", "Retype password", {}}}),
          true));
      return;
    }
    const auto& form = request.submitted.back();
    auto local = localAccount(form.value("accountjid").value_or(""));
    if (!local) return answer(AdHocStep::fail(badRequest("accountjid: a bare JID of this server")));
    const auto password = form.value("password").value_or("");
    if (password.empty()) return answer(AdHocStep::fail(badRequest("password is empty")));
    if (const auto verify = form.value("password-verify"); verify && *verify != password) {
      return answer(AdHocStep::fail(badRequest("the passwords differ")));
    }
    host_.runBlocking([this, local = *local, password, answer, by = request.requester] {
      if (auto created = administration_.createAccount(local, password); !created) {
        return answer(AdHocStep::fail(editError(created.error())));
      }
      spdlog::info("adhoc: {} added the account {}", by.bare().toString(), local);
      answer(AdHocStep::done("User added"));
    });
  }

  // XEP-0133 §4.2: delete-user, one or more accounts.
  void deleteUser(const api::AdHocRequest& request, api::AdHocAnswer answer) {
    if (request.submitted.empty()) {
      answer(AdHocStep::ask(
          adminForm("form", "Deleting users",
                    {{"accountjids", "jid-multi", "The Jabber ID(s) to delete", {}}}),
          true));
      return;
    }
    const auto* field = request.submitted.back().field("accountjids");
    if (field == nullptr || field->values.empty()) {
      return answer(AdHocStep::fail(badRequest("accountjids: no account")));
    }
    std::vector<std::string> locals;
    for (const auto& value : field->values) {
      auto local = localAccount(value);
      if (!local) return answer(AdHocStep::fail(badRequest("accountjids: " + value)));
      locals.push_back(*local);
    }
    host_.runBlocking([this, locals, answer, by = request.requester] {
      for (const auto& local : locals) {
        if (auto removed = administration_.removeAccount(local); !removed) {
          return answer(AdHocStep::fail(editError(removed.error())));
        }
        spdlog::info("adhoc: {} deleted the account {}", by.bare().toString(), local);
      }
      answer(AdHocStep::done(std::to_string(locals.size()) + " user(s) deleted"));
    });
  }

  // XEP-0133 §4.7: change-user-password.
  void changePassword(const api::AdHocRequest& request, api::AdHocAnswer answer) {
    if (request.submitted.empty()) {
      answer(AdHocStep::ask(
          adminForm("form", "Changing a user's password",
                    {{"accountjid", "jid-single", "The Jabber ID for this account", {}},
                     {"password", "text-private", "The password for this account", {}}}),
          true));
      return;
    }
    const auto& form = request.submitted.back();
    auto local = localAccount(form.value("accountjid").value_or(""));
    if (!local) return answer(AdHocStep::fail(badRequest("accountjid: a bare JID of this server")));
    const auto password = form.value("password").value_or("");
    if (password.empty()) return answer(AdHocStep::fail(badRequest("password is empty")));
    host_.runBlocking([this, local = *local, password, answer, by = request.requester] {
      if (auto changed = administration_.changePassword(local, password); !changed) {
        return answer(AdHocStep::fail(editError(changed.error())));
      }
      spdlog::info("adhoc: {} changed the password of {}", by.bare().toString(), local);
      answer(AdHocStep::done("Password changed"));
    });
  }

  // The accounts with a bound session, each once, sorted.
  std::set<std::string> onlineAccounts() const {
    std::set<std::string> accounts;
    for (const auto& session : administration_.onlineSessions()) {
      accounts.insert(session.bare().toString());
    }
    return accounts;
  }

  // XEP-0133 §4.21 and §4.16, answered at once (no max_items stage: the list is capped).
  void onlineUsersList(const api::AdHocRequest&, api::AdHocAnswer answer) {
    const auto accounts = onlineAccounts();
    DataFormField list{"onlineuserjids", "jid-multi", "The list of all online users", {}};
    for (const auto& account : accounts) {
      if (list.values.size() == kMaxListedUsers) break;
      list.values.push_back(account);
    }
    answer(AdHocStep::done(accounts.size() > kMaxListedUsers
                               ? "The first " + std::to_string(kMaxListedUsers) + " of " +
                                     std::to_string(accounts.size()) + " online users"
                               : "",
                           adminForm("result", "Online users", {std::move(list)})));
  }

  void onlineUsersNumber(const api::AdHocRequest&, api::AdHocAnswer answer) {
    answer(AdHocStep::done("", adminForm("result", "Number of online users",
                                         {{"onlineusersnum",
                                           "",
                                           "The number of online users",
                                           {std::to_string(onlineAccounts().size())}}})));
  }

  // XEP-0133 §4.23: announce, to every bound session.
  void announce(const api::AdHocRequest& request, api::AdHocAnswer answer) {
    if (request.submitted.empty()) {
      answer(AdHocStep::ask(adminForm("form", "Making an announcement",
                                      {{"subject", "text-single", "Subject", {}},
                                       {"announcement", "text-multi", "Announcement", {}}}),
                            true));
      return;
    }
    const auto& form = request.submitted.back();
    std::string body;
    if (const auto* field = form.field("announcement")) {
      for (const auto& line : field->values) body += (body.empty() ? "" : "\n") + line;
    }
    if (body.empty()) return answer(AdHocStep::fail(badRequest("the announcement is empty")));
    const auto sent = administration_.announce(form.value("subject").value_or(""), body);
    spdlog::info("adhoc: {} announced to {} session(s)", request.requester.bare().toString(), sent);
    answer(AdHocStep::done("Announcement sent to " + std::to_string(sent) + " session(s)"));
  }

 private:
  api::ModuleHost& host_;
  api::AccountAdministration& administration_;
  const std::vector<xmpp::Jid> admins_;
};

}  // namespace

void addAdminCommands(api::AdHocCommands& commands, api::ModuleHost& host,
                      api::AccountAdministration& administration,
                      const std::vector<xmpp::Jid>& admins) {
  // Shared by the commands' closures; lives as long as the last of them.
  auto admin = std::make_shared<AdminCommands>(host, administration, admins);
  using Stage = void (AdminCommands::*)(const api::AdHocRequest&, api::AdHocAnswer);
  const std::pair<const char*, std::pair<const char*, Stage>> table[] = {
      {"add-user", {"Add a User", &AdminCommands::addUser}},
      {"delete-user", {"Delete a User", &AdminCommands::deleteUser}},
      {"change-user-password", {"Change User Password", &AdminCommands::changePassword}},
      {"get-online-users-list", {"Get List of Online Users", &AdminCommands::onlineUsersList}},
      {"get-online-users-num", {"Get Number of Online Users", &AdminCommands::onlineUsersNumber}},
      {"announce", {"Send Announcement to Online Users", &AdminCommands::announce}},
  };
  for (const auto& [name, entry] : table) {
    commands.addCommand(
        {"", node(name), entry.first,
         [admin](const xmpp::Jid& requester) { return admin->isAdmin(requester); },
         [admin, stage = entry.second](const api::AdHocRequest& request, api::AdHocAnswer answer) {
           ((*admin).*stage)(request, std::move(answer));
         }});
  }
}

}  // namespace kontalk::modules::adhoc
