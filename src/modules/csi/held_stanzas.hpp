#pragma once
// The stanzas Client State Indication (XEP-0352) holds back from one inactive session: the newest
// presence and the newest standalone chat state per sender, in the order they arrived.
//
// Threading: not thread-safe; the CSI module uses every queue under its one mutex.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "xml/element.hpp"

namespace kontalk::modules::csi {

enum class HeldKind { Presence, ChatState };

class HeldStanzas {
 public:
  // Holds `stanza` from `sender` (a full JID), replacing the one of the same kind held from that
  // sender: only the latest presence or chat state still means anything to the client.
  void hold(HeldKind kind, const std::string& sender, xml::Element stanza);
  // Forgets the chat state held from `sender`: a message with a body supersedes it, and showing
  // "composing" after the message arrived would be wrong (XEP-0085 §5.1).
  void dropChatState(const std::string& sender);

  std::size_t size() const { return bySequence_.size(); }
  bool empty() const { return bySequence_.empty(); }

  // Every held stanza in arrival order; the queue is empty afterwards.
  std::vector<xml::Element> release();

 private:
  std::uint64_t nextSequence_ = 0;
  std::map<std::uint64_t, xml::Element> bySequence_;
  std::map<std::pair<HeldKind, std::string>, std::uint64_t> latest_;
};

}  // namespace kontalk::modules::csi
