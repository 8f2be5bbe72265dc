#include "cluster/redis_directory.hpp"

#include <algorithm>
#include <charconv>

namespace kontalk::cluster {

namespace {

const std::string kNodes = "{kontalk}:nodes";
const std::string kSessions = "{kontalk}:sessions";

std::string livenessKey(std::uint16_t id) {
  return "{kontalk}:node:" + std::to_string(id);
}

std::string sessionsKey(std::uint16_t id) {
  return livenessKey(id) + ":sessions";
}

// KEYS: sessions hash, node's session set. ARGV: node id. Leaves other nodes' entries of the
// same full JIDs (a newer binding elsewhere) alone.
constexpr std::string_view kClearSessions = R"lua(
local members = redis.call('SMEMBERS', KEYS[2])
for _, jid in ipairs(members) do
  if redis.call('HGET', KEYS[1], jid) == ARGV[1] then redis.call('HDEL', KEYS[1], jid) end
end
redis.call('DEL', KEYS[2])
return #members)lua";

// KEYS: liveness key, sessions hash, node's session set, node set. ARGV: node id.
constexpr std::string_view kReapIfDead = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local members = redis.call('SMEMBERS', KEYS[3])
for _, jid in ipairs(members) do
  if redis.call('HGET', KEYS[2], jid) == ARGV[1] then redis.call('HDEL', KEYS[2], jid) end
end
redis.call('DEL', KEYS[3])
redis.call('SREM', KEYS[4], ARGV[1])
return 1)lua";

// KEYS: liveness key, node set. ARGV: holder, milliseconds, node id. Also succeeds when the
// holder has it already (a reconnection).
constexpr std::string_view kClaim = R"lua(
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
elseif holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
else
  return 0
end
redis.call('SADD', KEYS[2], ARGV[3])
return 1)lua";

// KEYS: liveness key. ARGV: holder, milliseconds.
constexpr std::string_view kRefresh = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0)lua";

// KEYS: liveness key. ARGV: holder.
constexpr std::string_view kRelease = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0)lua";

// KEYS: sessions hash, node's session set. ARGV: full JID, node id.
constexpr std::string_view kAdd = R"lua(
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('SADD', KEYS[2], ARGV[1]))lua";

// KEYS: sessions hash, node's session set. ARGV: full JID, node id.
constexpr std::string_view kRemove = R"lua(
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
return redis.call('SREM', KEYS[2], ARGV[1]))lua";

Result<void> done(const Result<RedisReply>& reply) {
  if (!reply) return tl::unexpected(reply.error());
  return {};
}

}  // namespace

Result<bool> RedisDirectory::claimNode(std::uint16_t id, const std::string& holder,
                                       std::chrono::milliseconds ttl) {
  auto claimed = redis_.command({"EVAL", std::string(kClaim), "2", livenessKey(id), kNodes, holder,
                                 std::to_string(ttl.count()), std::to_string(id)});
  if (!claimed) return tl::unexpected(claimed.error());
  return claimed->integer() == 1;
}

Result<bool> RedisDirectory::refreshNode(std::uint16_t id, const std::string& holder,
                                         std::chrono::milliseconds ttl) {
  auto refreshed = redis_.command(
      {"EVAL", std::string(kRefresh), "1", livenessKey(id), holder, std::to_string(ttl.count())});
  if (!refreshed) return tl::unexpected(refreshed.error());
  return refreshed->integer() == 1;
}

Result<void> RedisDirectory::releaseNode(std::uint16_t id, const std::string& holder) {
  if (auto cleared = clearSessions(id); !cleared) return cleared;
  return done(redis_.command({"EVAL", std::string(kRelease), "1", livenessKey(id), holder}));
}

Result<void> RedisDirectory::clearSessions(std::uint16_t id) {
  return done(redis_.command(
      {"EVAL", std::string(kClearSessions), "2", kSessions, sessionsKey(id), std::to_string(id)}));
}

Result<void> RedisDirectory::addSession(std::uint16_t id, const std::string& fullJid) {
  return done(redis_.command(
      {"EVAL", std::string(kAdd), "2", kSessions, sessionsKey(id), fullJid, std::to_string(id)}));
}

Result<void> RedisDirectory::removeSession(std::uint16_t id, const std::string& fullJid) {
  return done(redis_.command({"EVAL", std::string(kRemove), "2", kSessions, sessionsKey(id),
                              fullJid, std::to_string(id)}));
}

Result<std::vector<std::uint16_t>> RedisDirectory::reapDeadNodes() {
  auto members = redis_.command({"SMEMBERS", kNodes});
  if (!members) return tl::unexpected(members.error());
  std::vector<std::uint16_t> reaped;
  for (const auto& text : members->texts()) {
    std::uint16_t id = 0;
    if (std::from_chars(text.data(), text.data() + text.size(), id).ec != std::errc()) continue;
    auto dead = redis_.command({"EVAL", std::string(kReapIfDead), "4", livenessKey(id), kSessions,
                                sessionsKey(id), kNodes, text});
    if (!dead) return tl::unexpected(dead.error());
    if (dead->integer() == 1) reaped.push_back(id);
  }
  return reaped;
}

Result<std::vector<NodeStatus>> RedisDirectory::status() {
  auto members = redis_.command({"SMEMBERS", kNodes});
  if (!members) return tl::unexpected(members.error());
  std::vector<NodeStatus> nodes;
  for (const auto& text : members->texts()) {
    NodeStatus node;
    if (std::from_chars(text.data(), text.data() + text.size(), node.id).ec != std::errc()) {
      continue;
    }
    auto ttl = redis_.command({"PTTL", livenessKey(node.id)});
    auto holder = redis_.command({"GET", livenessKey(node.id)});
    auto sessions = redis_.command({"SMEMBERS", sessionsKey(node.id)});
    if (!ttl) return tl::unexpected(ttl.error());
    if (!holder) return tl::unexpected(holder.error());
    if (!sessions) return tl::unexpected(sessions.error());
    node.ttlMilliseconds = std::max(ttl->integer(), 0LL);
    node.holder = holder->text();
    node.sessions = sessions->texts();
    std::sort(node.sessions.begin(), node.sessions.end());
    nodes.push_back(std::move(node));
  }
  std::sort(nodes.begin(), nodes.end(),
            [](const NodeStatus& a, const NodeStatus& b) { return a.id < b.id; });
  return nodes;
}

}  // namespace kontalk::cluster
