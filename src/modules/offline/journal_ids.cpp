#include "modules/offline/journal_ids.hpp"

#include <algorithm>
#include <stdexcept>

namespace kontalk::modules::offline {

namespace {

constexpr int kSequenceBits = 12;
constexpr int kNodeBits = 10;
constexpr std::int64_t kMaxSequence = (std::int64_t{1} << kSequenceBits) - 1;
// 2020-01-01T00:00:00Z in Unix milliseconds: 41 bits of milliseconds last until 2089.
constexpr std::int64_t kEpochMilliseconds = 1'577'836'800'000;

api::JournalId compose(std::int64_t millisecond, std::uint16_t node, std::int64_t sequence) {
  return (millisecond << (kNodeBits + kSequenceBits)) |
         (static_cast<std::int64_t>(node) << kSequenceBits) | sequence;
}

std::int64_t sequenceOf(api::JournalId id) {
  return id & kMaxSequence;
}

}  // namespace

JournalIdClock::JournalIdClock(std::uint16_t nodeId, api::JournalId highestStoredId)
    : nodeId_(nodeId), last_(std::max<api::JournalId>(highestStoredId, 0)) {
  if (nodeId > kMaxNodeId) throw std::invalid_argument("journal ids: node id above 1023");
}

api::JournalId JournalIdClock::next(std::chrono::system_clock::time_point now) {
  const std::int64_t nowMs =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() -
      kEpochMilliseconds;
  const std::int64_t lastMs = millisecondOf(last_);
  std::int64_t ms = std::max(nowMs, lastMs);
  if (ms == lastMs) {
    // The same millisecond as the last id: continue its sequence if it is ours, come after it
    // if it is a lower node's, else take the next millisecond.
    if (nodeOf(last_) == nodeId_ && sequenceOf(last_) < kMaxSequence) return last_ = last_ + 1;
    if (nodeOf(last_) >= nodeId_) ++ms;
  }
  return last_ = compose(ms, nodeId_, 0);
}

std::int64_t JournalIdClock::millisecondOf(api::JournalId id) {
  return id >> (kNodeBits + kSequenceBits);
}

std::uint16_t JournalIdClock::nodeOf(api::JournalId id) {
  return static_cast<std::uint16_t>((id >> kSequenceBits) & ((1 << kNodeBits) - 1));
}

}  // namespace kontalk::modules::offline
