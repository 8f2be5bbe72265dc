#include "modules/csi/held_stanzas.hpp"

namespace kontalk::modules::csi {

void HeldStanzas::hold(HeldKind kind, const std::string& sender, xml::Element stanza) {
  const auto sequence = nextSequence_++;
  auto [entry, inserted] = latest_.try_emplace({kind, sender}, sequence);
  if (!inserted) {
    bySequence_.erase(entry->second);
    entry->second = sequence;
  }
  bySequence_.emplace(sequence, std::move(stanza));
}

void HeldStanzas::dropChatState(const std::string& sender) {
  const auto entry = latest_.find({HeldKind::ChatState, sender});
  if (entry == latest_.end()) return;
  bySequence_.erase(entry->second);
  latest_.erase(entry);
}

std::vector<xml::Element> HeldStanzas::release() {
  std::vector<xml::Element> released;
  released.reserve(bySequence_.size());
  for (auto& [sequence, stanza] : bySequence_) released.push_back(std::move(stanza));
  bySequence_.clear();
  latest_.clear();
  return released;
}

}  // namespace kontalk::modules::csi
