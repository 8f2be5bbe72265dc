#pragma once
// What the admin socket's commands do in the running server (app/admin/admin_socket.hpp gives
// them their arguments; kontalkctl prints their answers):
//   status                      version, uptime, shards, sessions by transport, memory, journal
//   sessions list [JID]         one line per bound session (of one account with JID)
//   sessions kick JID [REASON]  ends a session (full JID) or an account's sessions (bare JID)
//                               with <policy-violation/> and REASON as the stream error's text
//   reload                      configuration, TLS certificate, network list (app/server/
//                               configuration_reload.hpp)
//   log-level LEVEL
//   user add JID PASSWORD | user passwd JID PASSWORD | user del JID
//   broadcast TEXT              a headline message from the domain to every bound session
//
// A kicked session does not outlive its connection (XEP-0198 resumption is refused afterwards)
// and what it had not acknowledged goes back to the router: to the account's other resources
// or offline storage, as for any session that ends.
//
// The same edits are the server's api::AccountAdministration for modules (XEP-0133).
//
// Threading: handle() runs on the admin socket's thread (the main thread) and may block on
// storage and password hashing; it reaches the shards only by posting to them. The
// AccountAdministration methods keep that interface's threading rules.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "api/account_administration.hpp"
#include "app/admin/admin_protocol.hpp"
#include "core/shard_pool.hpp"
#include "router/extension_points.hpp"
#include "router/router.hpp"
#include "storage/storage.hpp"

namespace kontalk::app {

class LiveAdministration final : public api::AccountAdministration {
 public:
  struct Parts {
    router::Router& router;
    router::SessionDirectory& sessions;
    core::ShardPool& shards;
    storage::Storage& storage;
    const router::ExtensionPoints& extensions;
    std::function<admin::Response()> reload;
  };

  explicit LiveAdministration(Parts parts);

  admin::Response handle(const std::vector<std::string>& arguments);

  Result<void> createAccount(const std::string& localpart, std::string_view password) override;
  Result<void> changePassword(const std::string& localpart, std::string_view password) override;
  Result<std::size_t> removeAccount(const std::string& localpart) override;
  std::vector<xmpp::Jid> onlineSessions() const override;
  std::size_t announce(std::string_view subject, std::string_view body) override;

 private:
  admin::Response status() const;
  admin::Response listSessions(const std::vector<std::string>& arguments) const;
  admin::Response kick(const std::string& jid, const std::string& reason);
  admin::Response setLogLevel(const std::string& level);
  admin::Response editUser(const std::vector<std::string>& arguments);
  admin::Response broadcast(const std::string& text);
  // Ends the sessions of `jid` (full: that one; bare: all of the account's) with `error`;
  // returns how many.
  std::size_t terminate(const xmpp::Jid& jid, const xmpp::StreamError& error);

  Parts parts_;
  const std::chrono::steady_clock::time_point startedAt_ = std::chrono::steady_clock::now();
};

}  // namespace kontalk::app
