#pragma once
// Delivers an account's stored messages to one of its sessions (XEP-0160 §3: on the first
// available presence with non-negative priority), at most one run per account at a time.
// A delivered message stays stored, held by the session, until the session acknowledges it
// (Journal::settle); a session that ends without acknowledging hands it back.
//
// Flow control (issue 11 item 8): a run sends a window of messages (at most kWindowMessages, and
// no more once Settings::windowBytes are read) and reads the next window only when the session
// took every message of this one (Journal::whenSettled): for a client with stream management
// that is its <a/> (XEP-0198 §4; the server asks with <r/> after every message), for one without
// it the message was written to its socket. So a session's outbound queue holds at most about
// one window of stored messages however many wait, and a slow client is paced, not disconnected
// for overflowing ([limits] max_outbound_queue_bytes). When a window comes back unacknowledged
// (the session ended), the run stops; the next session's presence starts another.
// No worker waits meanwhile: the run continues from the journal's callbacks.
//
// A stored stanza that cannot be parsed is never dropped (its sender was acknowledged): it stays
// stored and held, so that this process does not report it again, and is reported once with its
// id and account (error log, unreadableMessages()).
//
// Threading: request() may be called from any shard or worker; reads and sends happen in
// host.runBlocking() work.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "api/module.hpp"
#include "modules/offline/journal.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::modules::offline {

class OfflineDelivery {
 public:
  static constexpr std::size_t kWindowMessages = 100;

  struct Settings {
    std::size_t windowBytes = std::size_t{1} << 20;
  };

  OfflineDelivery(api::ModuleHost& host, Journal& journal, Settings settings)
      : host_(host), journal_(journal), settings_(settings) {}

  // Delivers everything stored for target's account to `target` (a full JID). While a run for
  // the account is going on, the request is remembered and served when that run ends, so that
  // messages stored meanwhile are not left behind.
  void request(const xmpp::Jid& target);

  // Stored messages found unreadable since start (each counted once).
  std::uint64_t unreadableMessages() const { return unreadable_.load(std::memory_order_relaxed); }

 private:
  struct Run {
    xmpp::Jid target;
    xmpp::Jid next;           // asked for while the run went on; empty when none was
    std::int64_t cursor = 0;  // the last id read
  };

  // Once what was stored before is durable, sends the first window.
  void begin(const std::string& account);
  // Reads and sends the account's next window (on a worker).
  void sendWindow(const std::string& account);
  void handleWindowSettled(const std::string& account, bool allAcknowledged);
  // The run is over: serves a request made meanwhile, if any.
  void end(const std::string& account);
  void reportUnreadable(const storage::OfflineMessage& message, const std::string& account);

  api::ModuleHost& host_;
  Journal& journal_;
  const Settings settings_;
  std::mutex mutex_;
  std::unordered_map<std::string, Run> running_;  // by account (bare JID)
  std::atomic<std::uint64_t> unreadable_{0};
};

}  // namespace kontalk::modules::offline
