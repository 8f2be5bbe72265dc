#include "s2s/unacknowledged_messages.hpp"

namespace kontalk::s2s {

void UnacknowledgedMessages::recordSent(api::JournalId journalId) {
  ++sent_;  // unsigned: wraps at 2^32 as 'h' does
  if (journalId != 0) waiting_.push_back(Waiting{sent_, journalId});
}

bool UnacknowledgedMessages::acknowledge(std::uint32_t handled,
                                         std::vector<api::JournalId>& settled) {
  // Unsigned subtraction is the 2^32 wrap-around of XEP-0198 §4.
  const std::uint32_t newlyHandled = handled - acknowledged_;
  if (newlyHandled > static_cast<std::uint32_t>(sent_ - acknowledged_)) return false;
  while (!waiting_.empty() &&
         static_cast<std::uint32_t>(waiting_.front().number - acknowledged_) <= newlyHandled) {
    settled.push_back(waiting_.front().journalId);
    waiting_.pop_front();
  }
  acknowledged_ = handled;
  return true;
}

std::vector<api::JournalId> UnacknowledgedMessages::takeAll() {
  std::vector<api::JournalId> taken;
  taken.reserve(waiting_.size());
  for (const auto& waiting : waiting_) taken.push_back(waiting.journalId);
  waiting_.clear();
  return taken;
}

}  // namespace kontalk::s2s
