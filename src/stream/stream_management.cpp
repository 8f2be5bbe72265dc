#include "stream/stream_management.hpp"

namespace kontalk::stream {

void StreamManagement::recordOutbound(xml::Element stanza, api::JournalId journalId,
                                      std::size_t bytes) {
  unacknowledgedBytes_ += bytes;
  unacknowledged_.push_back(Outbound{std::move(stanza), journalId, bytes});
}

bool StreamManagement::acknowledge(std::uint32_t h, std::vector<api::JournalId>& settled) {
  // Unsigned subtraction is the 2^32 wrap-around of XEP-0198 §4.
  const std::uint32_t newlyAcknowledged = h - acknowledged_;
  if (newlyAcknowledged > unacknowledged_.size()) return false;
  const auto end = unacknowledged_.begin() + static_cast<std::ptrdiff_t>(newlyAcknowledged);
  for (auto it = unacknowledged_.begin(); it != end; ++it) {
    if (it->journalId != 0) settled.push_back(it->journalId);
    unacknowledgedBytes_ -= it->bytes;
  }
  unacknowledged_.erase(unacknowledged_.begin(), end);
  acknowledged_ = h;
  return true;
}

std::deque<StreamManagement::Outbound> StreamManagement::takeUnacknowledged() {
  std::deque<Outbound> taken;
  taken.swap(unacknowledged_);
  unacknowledgedBytes_ = 0;
  // What is taken counts as handled from the counters' point of view: a resumed stream
  // retransmits it and counts it again.
  acknowledged_ += static_cast<std::uint32_t>(taken.size());
  return taken;
}

}  // namespace kontalk::stream
