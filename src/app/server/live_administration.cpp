#include "app/server/live_administration.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

#include <spdlog/spdlog.h>

#include "api/delivery_backlog.hpp"
#include "app/admin/account_edits.hpp"
#include "stream/c2s_session_handle.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::app {
namespace {

using admin::Response;

Response ok(std::string text) {
  return {true, std::move(text)};
}
Response refused(std::string text) {
  return {false, std::move(text) + "\n"};
}

constexpr std::string_view kUsage =
    "commands: status | sessions list [JID] | sessions kick JID [REASON] | reload | "
    "log-level LEVEL | user add|passwd JID PASSWORD | user del JID | broadcast TEXT";
// What a kicked client reads in its stream error when the operator gave no reason.
constexpr std::string_view kDefaultKickReason = "Disconnected by the server's administrator.";

// The process's resident memory in KiB, from /proc/self/status (0 when unreadable).
std::size_t residentKilobytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

std::string utcTime(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace

LiveAdministration::LiveAdministration(Parts parts) : parts_(std::move(parts)) {}

Response LiveAdministration::handle(const std::vector<std::string>& arguments) {
  const auto& command = arguments.front();
  const auto count = arguments.size();
  // Only the command's words: a password must never reach the log.
  spdlog::info(
      "admin: {}{}", command,
      count > 1 && command != "broadcast" && command != "log-level" ? " " + arguments[1] : "");
  if (command == "status" && count == 1) return status();
  if (command == "sessions" && count >= 2 && arguments[1] == "list" && count <= 3) {
    return listSessions(arguments);
  }
  if (command == "sessions" && (count == 3 || count == 4) && arguments[1] == "kick") {
    return kick(arguments[2], count == 4 ? arguments[3] : "");
  }
  if (command == "reload" && count == 1) return parts_.reload();
  if (command == "log-level" && count == 2) return setLogLevel(arguments[1]);
  if (command == "user" && count >= 3) return editUser(arguments);
  if (command == "broadcast" && count == 2) return broadcast(arguments[1]);
  return refused("unknown command or wrong arguments; " + std::string(kUsage));
}

Response LiveAdministration::status() const {
  const auto sessions = parts_.sessions.all();
  std::map<std::string, std::size_t> byTransport{{"tcp", 0}, {"websocket", 0}};
  std::size_t detached = 0;
  for (const auto& session : sessions) {
    if (session->isDetached()) ++detached;
    if (const auto* c2s = dynamic_cast<const stream::C2sSessionHandle*>(session.get())) {
      ++byTransport[std::string(stream::transportName(c2s->transport()))];
    }
  }
  std::ostringstream text;
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - startedAt_);
  text << "version: " << KONTALK_VERSION << "\n"
       << "domain: " << parts_.router.domain().domain() << "\n"
       << "uptime: " << uptime.count() << " s\n"
       << "shards: " << parts_.shards.size() << "\n"
       << "sessions: " << sessions.size();
  for (const auto& [transport, number] : byTransport) text << ", " << transport << " " << number;
  text << " (" << detached << " detached, awaiting resumption)\n"
       << "memory: " << residentKilobytes() << " KiB resident\n";
  const auto* backlog = static_cast<const api::DeliveryBacklog*>(
      parts_.extensions.findService(typeid(api::DeliveryBacklog)));
  if (backlog != nullptr) {
    const auto state = backlog->backlog();
    text << "journal backlog: " << state.messages << " records, " << state.bytes << " bytes"
         << (state.accepting ? "" : " (full: clients wait)") << "\n";
  } else {
    text << "journal backlog: no journal (offline module off)\n";
  }
  return ok(text.str());
}

Response LiveAdministration::listSessions(const std::vector<std::string>& arguments) const {
  std::vector<std::shared_ptr<router::LocalSession>> sessions;
  if (arguments.size() == 3) {
    auto account = xmpp::Jid::parse(arguments[2]);
    if (!account) return refused("\"" + arguments[2] + "\" is not a JID");
    sessions = parts_.sessions.sessionsOf(*account);
  } else {
    sessions = parts_.sessions.all();
  }
  std::sort(sessions.begin(), sessions.end(),
            [](const auto& a, const auto& b) { return a->jid().toString() < b->jid().toString(); });
  std::ostringstream text;
  text << "JID\tTRANSPORT\tADDRESS\tSHARD\tSINCE\tSM\n";
  for (const auto& session : sessions) {
    text << session->jid().toString() << "\t";
    const auto* c2s = dynamic_cast<const stream::C2sSessionHandle*>(session.get());
    if (c2s == nullptr) {
      text << "-\t" << session->client().remoteAddress << "\t-\t-\t-\n";
      continue;
    }
    std::size_t shard = 0;
    while (shard < parts_.shards.size() && &parts_.shards.shard(shard) != &c2s->shard()) ++shard;
    text << stream::transportName(c2s->transport()) << "\t" << session->client().remoteAddress
         << "\t" << shard << "\t" << utcTime(c2s->boundAt()) << "\t"
         << (!c2s->streamManagementEnabled() ? "off"
             : session->isDetached()         ? "detached"
                                             : "on")
         << "\n";
  }
  return ok(text.str());
}

std::size_t LiveAdministration::terminate(const xmpp::Jid& jid, const xmpp::StreamError& error) {
  std::vector<std::shared_ptr<router::LocalSession>> sessions;
  if (jid.isBare()) {
    sessions = parts_.sessions.sessionsOf(jid);
  } else if (auto session = parts_.sessions.find(jid)) {
    sessions.push_back(std::move(session));
  }
  for (const auto& session : sessions) session->terminate(error);
  return sessions.size();
}

Response LiveAdministration::kick(const std::string& jidText, const std::string& reason) {
  auto jid = xmpp::Jid::parse(jidText);
  if (!jid || jid->local().empty()) return refused("\"" + jidText + "\" is not a user's JID");
  // RFC 6120 §4.9.3.14: the client did something the server's policy forbids — as close as the
  // conditions come to "an operator ended this session"; <reset/> would invite a reconnect.
  const std::size_t kicked =
      terminate(*jid, {xmpp::StreamErrorCondition::PolicyViolation,
                       reason.empty() ? std::string(kDefaultKickReason) : reason});
  if (kicked == 0) return refused("no session of " + jid->toString() + " is bound");
  spdlog::info("admin: kicked {} session(s) of {}", kicked, jid->toString());
  return ok("kicked " + std::to_string(kicked) + " session(s) of " + jid->toString() + "\n");
}

Response LiveAdministration::setLogLevel(const std::string& level) {
  const auto parsed = spdlog::level::from_str(level);
  // from_str answers "off" for anything it does not know.
  if (parsed == spdlog::level::off || parsed == spdlog::level::critical) {
    return refused("the log level is one of trace, debug, info, warn, error");
  }
  spdlog::default_logger()->set_level(parsed);
  spdlog::warn("admin: log level is now {} (until restart or reload)", level);
  return ok("log level " + level + "\n");
}

Response LiveAdministration::editUser(const std::vector<std::string>& arguments) {
  const std::string& action = arguments[1];
  const std::string domain = parts_.router.domain().domain();
  auto local = admin::localpartIn(domain, arguments[2]);
  if (!local) return refused(local.error().message);
  const std::string jid = *local + "@" + domain;
  if ((action == "add" || action == "passwd") && arguments.size() == 4) {
    const bool adding = action == "add";
    auto edited =
        adding ? createAccount(*local, arguments[3]) : changePassword(*local, arguments[3]);
    if (!edited) return refused(edited.error().message);
    // The next login checks the new credentials (SASL reads them from storage each time);
    // sessions that are logged in stay.
    return ok((adding ? "added " : "changed the password of ") + jid +
              " (applied by the running server)\n");
  }
  if (action == "del" && arguments.size() == 3) {
    auto ended = removeAccount(*local);
    if (!ended) return refused(ended.error().message);
    return ok("removed " + jid + " (applied by the running server; " + std::to_string(*ended) +
              " session(s) ended)\n");
  }
  return refused("user add|passwd JID PASSWORD, or user del JID");
}

Response LiveAdministration::broadcast(const std::string& text) {
  if (text.empty()) return refused("the message is empty");
  return ok("sent to " + std::to_string(announce("", text)) + " session(s)\n");
}

Result<void> LiveAdministration::createAccount(const std::string& localpart,
                                               std::string_view password) {
  return admin::createAccount(parts_.storage, parts_.router.domain().domain(), localpart, password);
}

Result<void> LiveAdministration::changePassword(const std::string& localpart,
                                                std::string_view password) {
  return admin::changePassword(parts_.storage, parts_.router.domain().domain(), localpart,
                               password);
}

Result<std::size_t> LiveAdministration::removeAccount(const std::string& localpart) {
  const std::string domain = parts_.router.domain().domain();
  if (auto removed = admin::removeAccount(parts_.storage, domain, localpart); !removed) {
    return tl::unexpected(removed.error());
  }
  return terminate(*xmpp::Jid::parse(localpart + "@" + domain),
                   {xmpp::StreamErrorCondition::NotAuthorized, "The account was deleted."});
}

std::vector<xmpp::Jid> LiveAdministration::onlineSessions() const {
  std::vector<xmpp::Jid> jids;
  for (const auto& session : parts_.sessions.all()) jids.push_back(session->jid());
  return jids;
}

std::size_t LiveAdministration::announce(std::string_view subject, std::string_view body) {
  const auto sessions = parts_.sessions.all();
  const std::string domain = parts_.router.domain().domain();
  for (const auto& session : sessions) {
    // RFC 6121 §5.2.2: a headline is a notice no one answers, and offline storage keeps none.
    xml::Element message("message", ns::kClient);
    message.setAttribute("type", "headline");
    message.setAttribute("from", domain);
    message.setAttribute("to", session->jid().toString());
    if (!subject.empty()) message.addChild("subject", ns::kClient).addText(std::string(subject));
    message.addChild("body", ns::kClient).addText(std::string(body));
    const auto* c2s = dynamic_cast<const stream::C2sSessionHandle*>(session.get());
    // Routed on a shard, where the modules' stanza hooks expect to run.
    asio::post(c2s != nullptr ? c2s->shard() : parts_.shards.shard(0),
               [&router = parts_.router, message = std::move(message)]() mutable {
                 router.route(std::move(message));
               });
  }
  spdlog::info("admin: broadcast to {} session(s)", sessions.size());
  return sessions.size();
}

}  // namespace kontalk::app
