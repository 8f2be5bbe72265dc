#pragma once
// Delivery-journal ids that are unique across the nodes of a cluster sharing one database
// (docs/architecture.md, "Cluster"): milliseconds since 2020 (41 bits) | node id (10 bits) |
// sequence within the millisecond (12 bits). Ids a node hands out only ever increase, and stay
// above the highest id already stored, so a recipient's messages keep their order on one node;
// across nodes they are ordered by their nodes' clocks (the millisecond comes first).
// Ids from before (small counters) count as millisecond 0 and stay below every new one.
// Threading: none; the journal calls it with its mutex held.

#include <chrono>
#include <cstdint>

#include "api/delivery_journal.hpp"

namespace kontalk::modules::offline {

class JournalIdClock {
 public:
  static constexpr std::uint16_t kMaxNodeId = 1023;

  // `nodeId` at most kMaxNodeId; `highestStoredId` is a floor (any node's).
  JournalIdClock(std::uint16_t nodeId, api::JournalId highestStoredId);

  // A new id above every id this clock gave and the floor, made of `now`'s millisecond unless
  // that is not above them (clock behind, or 4096 ids in one millisecond: the next one is used).
  api::JournalId next(std::chrono::system_clock::time_point now);
  api::JournalId next() { return next(std::chrono::system_clock::now()); }

  static std::int64_t millisecondOf(api::JournalId id);
  static std::uint16_t nodeOf(api::JournalId id);

 private:
  std::uint16_t nodeId_;
  api::JournalId last_;
};

}  // namespace kontalk::modules::offline
