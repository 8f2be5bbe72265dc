#pragma once
// kontalkctl cluster status: the nodes in the cluster's Redis session directory ([cluster]
// redis_url), their liveness and the sessions bound on each (cluster/redis_directory.hpp).
// Exit codes as in commands.hpp: 0 success, 1 Redis failed, 2 not a cluster.
// Threading: kontalkctl's one thread; it blocks on Redis.

#include <iosfwd>

#include "app/config/config.hpp"

namespace kontalk::ctl {

// One line per node, "node ID alive|dead ttl=SECONDS sessions=N holder=HOLDER", each followed
// by its sessions' full JIDs, indented; then "N node(s), M session(s)".
int printClusterStatus(const app::Config& config, std::ostream& out, std::ostream& err);

}  // namespace kontalk::ctl
