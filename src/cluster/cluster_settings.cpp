#include "cluster/cluster_settings.hpp"

#include <optional>

#include "cluster/redis_connection.hpp"

namespace kontalk::cluster {

const config::Section<ClusterSettings>& clusterOptions() {
  static const config::Section<ClusterSettings> section(
      "cluster",
      "Several nodes serving one domain: they share a PostgreSQL database ([storage] backend = "
      "\"postgresql\") and register their sessions in Redis (full JID to node, with a liveness "
      "key each node refreshes). On when redis_url is set. `kontalkctl cluster status` lists the "
      "nodes, their sessions and liveness.",
      [](config::SectionBuilder<ClusterSettings>& option) {
        option.integer("node_id", &ClusterSettings::nodeId, std::uint16_t{0}, std::uint16_t{1023},
                       "this node's number, unique in the cluster (1-1023; part of every "
                       "delivery-journal id); required when redis_url is set");
        option.text("redis_url", &ClusterSettings::redisUrl,
                    "the session directory, \"redis://host:port[/db]\"; empty: not a cluster");
        option.duration("node_ttl", &ClusterSettings::nodeTtl, std::chrono::seconds(3),
                        std::chrono::seconds(300),
                        "seconds after which a node that stopped refreshing its liveness key "
                        "counts as dead and its sessions leave the directory");
      },
      [](const ClusterSettings& settings) -> std::optional<std::string> {
        if (!settings.enabled()) return std::nullopt;
        if (settings.nodeId == 0) return "redis_url needs node_id = 1..1023";
        if (auto address = parseRedisUrl(settings.redisUrl); !address) {
          return address.error().message;
        }
        return std::nullopt;
      });
  return section;
}

}  // namespace kontalk::cluster
