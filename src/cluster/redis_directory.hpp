#pragma once
// The cluster's session directory in Redis (docs/architecture.md "Cluster"): the one place that
// knows its keys. Every key carries the hash tag {kontalk}, so that a sharded Redis keeps them
// in one slot and the scripts below may touch several.
//   {kontalk}:nodes               set of the node ids that registered (until reaped)
//   {kontalk}:node:ID             the node's liveness key: who holds the id, expires after the
//                                 node's TTL unless refreshed
//   {kontalk}:node:ID:sessions    set of the full JIDs bound on that node
//   {kontalk}:sessions            hash full JID → node id (the newest binding wins: a resource
//                                 conflict across nodes leaves the newer node's entry)
// Each change is one script, so a reaper never removes sessions a restarted node just added.
// Threading: one thread at a time (that of the connection it is given).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "cluster/redis_connection.hpp"

namespace kontalk::cluster {

struct NodeStatus {
  std::uint16_t id = 0;
  // Milliseconds the liveness key has left; 0 when it has expired (the node is dead and its
  // sessions are about to be reaped).
  long long ttlMilliseconds = 0;
  std::string holder;  // the liveness key's value: host, pid and start of the process
  std::vector<std::string> sessions;  // sorted
};

class RedisDirectory {
 public:
  explicit RedisDirectory(RedisConnection& connection) : redis_(connection) {}

  // Takes (or keeps) node `id`'s liveness key for `holder`; false when another holder has it.
  Result<bool> claimNode(std::uint16_t id, const std::string& holder,
                         std::chrono::milliseconds ttl);
  // Extends the key if `holder` still holds it; false when it expired or another took it.
  Result<bool> refreshNode(std::uint16_t id, const std::string& holder,
                           std::chrono::milliseconds ttl);
  // Deletes the liveness key if `holder` holds it, and the node's sessions (a clean stop).
  Result<void> releaseNode(std::uint16_t id, const std::string& holder);
  // Removes every session node `id` registered (a restarted node's stale ones, before it
  // registers its current ones).
  Result<void> clearSessions(std::uint16_t id);
  Result<void> addSession(std::uint16_t id, const std::string& fullJid);
  Result<void> removeSession(std::uint16_t id, const std::string& fullJid);
  // Removes the sessions of every node whose liveness key expired; returns those nodes.
  Result<std::vector<std::uint16_t>> reapDeadNodes();
  // Every registered node, by id.
  Result<std::vector<NodeStatus>> status();

 private:
  RedisConnection& redis_;
};

}  // namespace kontalk::cluster
