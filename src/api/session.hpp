#pragma once
// A bound client session as modules see it, and the events of its life.
// Threading: a Session may be read from any thread (JID and client fixed, presence, detachment
// and last activity atomic); each
// SessionEvent says where its handlers run; a StreamReply may be called from any thread.

#include <chrono>
#include <functional>
#include <string>

#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::api {

// The client end of a connection, as far as modules need it (registration throttles by address;
// Kontalk registration and key rollover read the TLS client certificate, spec §2, §4).
struct ClientInfo {
  std::string remoteAddress;   // "ip:port"
  std::string certificateDer;  // the TLS client certificate in DER, empty when none was presented
};

class Session {
 public:
  virtual ~Session() = default;
  virtual const xmpp::Jid& jid() const = 0;  // full JID, fixed at bind
  // Whether the client has sent available presence (RFC 6121 §4.2) and its priority.
  virtual bool isAvailable() const = 0;
  virtual int priority() const = 0;
  virtual const ClientInfo& client() const = 0;
  // Whether its connection broke and it waits for a resumption (XEP-0198 §5): still bound, it
  // queues what it receives, but nothing reaches the client until it resumes (push, spec §8.3).
  virtual bool isDetached() const = 0;
  // When the client last sent anything (a read from its connection): a mobile link may be dead
  // without a word, and a long silence says so (push's idle_after, spec §8.3).
  virtual std::chrono::steady_clock::time_point lastActivity() const = 0;
};

enum class SessionEvent {
  // A resource of the account is about to be bound: the bind answer, and so the client's first
  // stanza, waits until every handler returned. Runs on a worker and may block: for what stanza
  // hooks need at once and cannot load without blocking (the key a presence hook attaches,
  // spec §0). The session is not in the router's directory yet.
  Preparing,
  // Bound (before the client can send a stanza). Runs on the session's shard.
  Bound,
  // Ended, after the router forgot the session (its last presence state is still readable).
  // Runs on the session's shard. A session that a newer one with the same full JID replaced
  // has no Closed event: its successor is the one bound.
  Closed,
};
using SessionHandler = std::function<void(const Session&)>;

// Sends a stanza back on one particular stream. Thread-safe; does nothing once the stream ended.
using StreamReply = std::function<void(xml::Element)>;

}  // namespace kontalk::api
