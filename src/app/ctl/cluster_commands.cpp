#include "app/ctl/cluster_commands.hpp"

#include <chrono>
#include <ostream>

#include <fmt/format.h>

#include "cluster/redis_directory.hpp"

namespace kontalk::ctl {

int printClusterStatus(const app::Config& config, std::ostream& out, std::ostream& err) {
  if (!config.cluster.enabled()) {
    err << "kontalkctl: not a cluster: [cluster] redis_url is not set\n";
    return 2;
  }
  auto address = cluster::parseRedisUrl(config.cluster.redisUrl);
  if (!address) {
    err << "kontalkctl: " << address.error().message << "\n";
    return 2;
  }
  auto connection = cluster::RedisConnection::open(*address, std::chrono::seconds(5));
  if (!connection) {
    err << "kontalkctl: " << connection.error().describe() << "\n";
    return 1;
  }
  auto nodes = cluster::RedisDirectory(**connection).status();
  if (!nodes) {
    err << "kontalkctl: " << nodes.error().describe() << "\n";
    return 1;
  }
  std::size_t sessions = 0;
  for (const auto& node : *nodes) {
    out << fmt::format("node {} {} ttl={:.1f} sessions={} holder={}\n", node.id,
                       node.ttlMilliseconds > 0 ? "alive" : "dead",
                       static_cast<double>(node.ttlMilliseconds) / 1000, node.sessions.size(),
                       node.holder.empty() ? "-" : node.holder);
    for (const auto& jid : node.sessions) out << "  " << jid << "\n";
    sessions += node.sessions.size();
  }
  out << nodes->size() << " node(s), " << sessions << " session(s)\n";
  return 0;
}

}  // namespace kontalk::ctl
