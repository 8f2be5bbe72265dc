#pragma once
// Which node of a cluster this server is ([cluster] node_id, docs/architecture.md "Cluster").
// Provided by the server before the modules start, only when [cluster] is on; the offline
// module puts the id into its journal ids so that nodes sharing one database never give the
// same id (modules/offline/journal_ids.hpp).
//
// Threading: a value, read-only while the server runs; any thread.

#include <cstdint>

namespace kontalk::api {

struct ClusterNode {
  std::uint16_t id = 0;  // 1..1023
};

}  // namespace kontalk::api
