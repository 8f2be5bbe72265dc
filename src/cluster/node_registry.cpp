#include "cluster/node_registry.hpp"

#include <unistd.h>

#include <stdexcept>

#include <spdlog/spdlog.h>

#include "cluster/redis_directory.hpp"

namespace kontalk::cluster {

namespace {

constexpr auto kRedisTimeout = std::chrono::seconds(2);
constexpr auto kRetryInterval = std::chrono::milliseconds(500);

std::string describeHolder() {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  const auto started = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  return std::string(host) + " pid " + std::to_string(::getpid()) + " started " +
         std::to_string(started);
}

RedisAddress addressOf(const ClusterSettings& settings) {
  auto address = parseRedisUrl(settings.redisUrl);
  if (!address) throw std::runtime_error("cluster: " + address.error().message);
  return *address;
}

}  // namespace

NodeRegistry::NodeRegistry(const ClusterSettings& settings)
    : settings_(settings), address_(addressOf(settings)), holder_(describeHolder()) {
  const std::chrono::milliseconds ttl = settings_.nodeTtl;
  auto connection = RedisConnection::open(address_, kRedisTimeout);
  if (!connection) throw std::runtime_error("cluster: " + connection.error().describe());
  redis_ = std::move(*connection);
  RedisDirectory directory(*redis_);
  // A killed predecessor with this id lets its key expire within one TTL.
  const auto deadline = std::chrono::steady_clock::now() + ttl + kRetryInterval;
  bool logged = false;
  for (;;) {
    auto claimed = directory.claimNode(settings_.nodeId, holder_, ttl);
    if (!claimed) throw std::runtime_error("cluster: " + claimed.error().describe());
    if (*claimed) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("cluster: node_id " + std::to_string(settings_.nodeId) +
                               " is held by another live node; every node needs its own");
    }
    if (!logged) {
      spdlog::warn(
          "cluster: node_id {} is still live in Redis; waiting up to {} s for it to "
          "expire",
          settings_.nodeId, settings_.nodeTtl.count());
      logged = true;
    }
    std::this_thread::sleep_for(kRetryInterval);
  }
  if (auto cleared = directory.clearSessions(settings_.nodeId); !cleared) {
    throw std::runtime_error("cluster: " + cleared.error().describe());
  }
  spdlog::info("cluster: node {} registered in redis {}:{} (liveness ttl {} s)", settings_.nodeId,
               address_.host, address_.port, settings_.nodeTtl.count());
  thread_ = std::thread([this] { run(); });
}

NodeRegistry::~NodeRegistry() {
  stop();
}

void NodeRegistry::sessionBound(const xmpp::Jid& fullJid) {
  std::lock_guard lock(mutex_);
  auto jid = fullJid.toString();
  bound_.insert(jid);
  changes_[std::move(jid)] = true;
  wake_.notify_one();
}

void NodeRegistry::sessionEnded(const xmpp::Jid& fullJid) {
  std::lock_guard lock(mutex_);
  auto jid = fullJid.toString();
  bound_.erase(jid);
  changes_[std::move(jid)] = false;
  wake_.notify_one();
}

void NodeRegistry::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
  if (redis_) {
    if (auto released = RedisDirectory(*redis_).releaseNode(settings_.nodeId, holder_); !released) {
      spdlog::warn(
          "cluster: could not take node {} out of the directory ({}); it leaves it when "
          "its liveness key expires",
          settings_.nodeId, released.error().describe());
    }
  }
}

void NodeRegistry::run() {
  const auto interval =
      std::chrono::duration_cast<std::chrono::milliseconds>(settings_.nodeTtl) / 3;
  auto nextBeat = std::chrono::steady_clock::now() + interval;  // the constructor just claimed
  auto retryDelay = kRetryInterval;
  bool connected = true;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // Disconnected, it waits for the retry time whatever changes: the back-off bounds the rate.
    wake_.wait_until(lock, nextBeat, [&] { return stopping_ || (connected && !changes_.empty()); });
    if (stopping_) break;
    lock.unlock();
    bool healthy = connected || reconnect();
    if (healthy) healthy = applyChanges();
    if (healthy && std::chrono::steady_clock::now() >= nextBeat) {
      healthy = heartbeat();
      nextBeat = std::chrono::steady_clock::now() + interval;
    }
    if (!healthy) {
      redis_.reset();
      nextBeat = std::chrono::steady_clock::now() + retryDelay;
      retryDelay = std::min<std::chrono::milliseconds>(retryDelay * 2, interval);
    } else if (!connected) {
      retryDelay = kRetryInterval;
    }
    connected = healthy;
    lock.lock();
  }
}

bool NodeRegistry::applyChanges() {
  std::map<std::string, bool> changes;
  {
    std::lock_guard lock(mutex_);
    changes.swap(changes_);
  }
  RedisDirectory directory(*redis_);
  auto change = changes.begin();
  for (; change != changes.end(); ++change) {
    auto applied = change->second ? directory.addSession(settings_.nodeId, change->first)
                                  : directory.removeSession(settings_.nodeId, change->first);
    if (!applied) {
      spdlog::warn("cluster: redis failed ({}); retrying", applied.error().describe());
      break;
    }
  }
  if (change == changes.end()) return true;
  // The reconnection registers every session bound by then, these included.
  return false;
}

bool NodeRegistry::heartbeat() {
  RedisDirectory directory(*redis_);
  auto refreshed = directory.refreshNode(settings_.nodeId, holder_, settings_.nodeTtl);
  if (!refreshed) {
    spdlog::warn("cluster: redis failed ({}); retrying", refreshed.error().describe());
    return false;
  }
  if (!*refreshed) {
    // The key expired (this node stalled, or Redis lost it): register anew.
    spdlog::error("cluster: node {}'s liveness key expired; registering again", settings_.nodeId);
    return reconnect();
  }
  auto reaped = directory.reapDeadNodes();
  if (!reaped) {
    spdlog::warn("cluster: redis failed ({}); retrying", reaped.error().describe());
    return false;
  }
  for (auto node : *reaped) {
    spdlog::warn(
        "cluster: node {} stopped refreshing its liveness; its sessions left the "
        "directory",
        node);
  }
  return true;
}

bool NodeRegistry::reconnect() {
  if (!redis_) {
    auto connection = RedisConnection::open(address_, kRedisTimeout);
    if (!connection) {
      spdlog::warn("cluster: {}; retrying", connection.error().describe());
      return false;
    }
    redis_ = std::move(*connection);
  }
  RedisDirectory directory(*redis_);
  auto claimed = directory.claimNode(settings_.nodeId, holder_, settings_.nodeTtl);
  if (!claimed) {
    spdlog::warn("cluster: redis failed ({}); retrying", claimed.error().describe());
    return false;
  }
  if (!*claimed) {
    spdlog::error(
        "cluster: node_id {} is held by another process; not registering sessions "
        "until it is free",
        settings_.nodeId);
    return false;
  }
  std::set<std::string> bound;
  {
    std::lock_guard lock(mutex_);
    bound = bound_;
    changes_.clear();  // everything bound now is registered below
  }
  if (auto cleared = directory.clearSessions(settings_.nodeId); !cleared) return false;
  for (const auto& jid : bound) {
    if (auto added = directory.addSession(settings_.nodeId, jid); !added) return false;
  }
  spdlog::info("cluster: node {} registered again with {} session(s)", settings_.nodeId,
               bound.size());
  return true;
}

}  // namespace kontalk::cluster
