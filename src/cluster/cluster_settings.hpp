#pragma once
// [cluster]: several kontalkd nodes serving one domain on one PostgreSQL database, with their
// sessions in a Redis directory (docs/architecture.md "Cluster"). Off unless redis_url is set.
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <chrono>
#include <cstdint>
#include <string>

#include "config/section.hpp"

namespace kontalk::cluster {

struct ClusterSettings {
  std::uint16_t nodeId = 0;  // 1..1023 when on (it goes into journal ids)
  std::string redisUrl;      // "redis://host:port[/db]"; empty: not a cluster
  // A node whose liveness key was not refreshed for this long is dead: its sessions leave the
  // directory. It refreshes the key every third of it.
  std::chrono::seconds nodeTtl{10};

  bool enabled() const { return !redisUrl.empty(); }
};

const config::Section<ClusterSettings>& clusterOptions();

}  // namespace kontalk::cluster
