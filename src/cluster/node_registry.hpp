#pragma once
// This node's entry in the cluster's session directory (redis_directory.hpp): it holds the
// node's liveness key, refreshing it every third of [cluster] node_ttl, registers the sessions
// bound here, and removes the sessions of nodes whose key expired (a node killed with SIGKILL
// leaves the directory within the TTL).
//
// The start claims the node id: a node whose id another live process holds waits up to one TTL
// (its own predecessor, killed, lets the key expire) and then refuses to start; two processes
// with one id would give the same journal ids. When Redis fails later, the registry reconnects
// with back-off and registers again what is bound now; the shards never wait for it.
//
// Threading: the constructor and stop() on the main thread (they block on Redis);
// sessionBound/sessionEnded from any shard (a mutex and a notify); Redis is talked to on the
// registry's own thread only.

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "cluster/cluster_settings.hpp"
#include "cluster/redis_connection.hpp"
#include "router/session_registry.hpp"

namespace kontalk::cluster {

class NodeRegistry final : public router::SessionRegistry {
 public:
  // Connects, claims the node id and clears the sessions a previous run left; throws
  // std::runtime_error when Redis cannot be reached or the id stays held by another process.
  explicit NodeRegistry(const ClusterSettings& settings);
  ~NodeRegistry() override;
  NodeRegistry(const NodeRegistry&) = delete;
  NodeRegistry& operator=(const NodeRegistry&) = delete;

  void sessionBound(const xmpp::Jid& fullJid) override;
  void sessionEnded(const xmpp::Jid& fullJid) override;

  // Takes this node and its sessions out of the directory (a clean shutdown) and ends the
  // thread. Idempotent.
  void stop();

 private:
  void run();
  // Applies the queued changes; false when Redis failed (the reconnection then registers
  // everything bound by then, so nothing needs to be queued again).
  bool applyChanges();
  bool heartbeat();
  // Connects, claims the id (once, without waiting) and registers every session bound now.
  bool reconnect();

  const ClusterSettings settings_;
  const RedisAddress address_;
  const std::string holder_;                // the liveness key's value: host, pid, start time
  std::unique_ptr<RedisConnection> redis_;  // the registry's thread only (after the constructor)

  std::mutex mutex_;
  std::condition_variable wake_;
  std::set<std::string> bound_;          // every session bound here, for a new registration
  std::map<std::string, bool> changes_;  // full JID → bound, not yet in Redis
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kontalk::cluster
