#include "stream/stream_management.hpp"

namespace kontalk::stream {

void StreamManagement::recordOutbound(xml::Element stanza) {
  unacknowledged_.push_back(std::move(stanza));
}

bool StreamManagement::acknowledge(std::uint32_t h) {
  // Unsigned subtraction is the 2^32 wrap-around of XEP-0198 §4.
  const std::uint32_t newlyAcknowledged = h - acknowledged_;
  if (newlyAcknowledged > unacknowledged_.size()) return false;
  unacknowledged_.erase(unacknowledged_.begin(),
                        unacknowledged_.begin() + static_cast<std::ptrdiff_t>(newlyAcknowledged));
  acknowledged_ = h;
  return true;
}

std::deque<xml::Element> StreamManagement::takeUnacknowledged() {
  std::deque<xml::Element> taken;
  taken.swap(unacknowledged_);
  // What is taken counts as handled from the counters' point of view: a resumed stream
  // retransmits it and counts it again.
  acknowledged_ += static_cast<std::uint32_t>(taken.size());
  return taken;
}

}  // namespace kontalk::stream
