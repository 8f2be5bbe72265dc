#pragma once
// What an outbound link sent that the peer has not acknowledged yet (spec §7.9): every stanza
// is numbered in the order it went out (1, 2, …; 32 bits that wrap, as XEP-0198 §4's 'h'), and
// the recorded messages among them (those with a delivery-journal id) wait here until an
// acknowledgement covers their number: the peer's <a h='…'/> (XEP-0198), or the answer to a ping
// sent as stanza number N, which covers 1…N (the peer handles a stream in order). No I/O: the
// link feeds it and settles or hands back what it returns.
//
// Threading: owned by one outbound link and used on its shard only.

#include <cstdint>
#include <deque>
#include <vector>

#include "api/delivery_journal.hpp"

namespace kontalk::s2s {

class UnacknowledgedMessages {
 public:
  // Counting starts at zero, at <enable/> (XEP-0198 §4); other starting points exist for tests
  // of the wrap.
  explicit UnacknowledgedMessages(std::uint32_t start = 0) : sent_(start), acknowledged_(start) {}

  // A stanza went out; `journalId` is 0 for one that needs no acknowledgement.
  void recordSent(api::JournalId journalId);
  // Stanzas sent so far (mod 2^32): the count an acknowledgement of all of them carries.
  std::uint32_t sentCount() const { return sent_; }
  // Recorded messages waiting for an acknowledgement.
  std::size_t size() const { return waiting_.size(); }
  bool empty() const { return waiting_.empty(); }

  // The peer handled the first `handled` stanzas: the recorded ones among them are appended to
  // `settled`. False, and nothing changes, when `handled` is more than was sent (or less than
  // was acknowledged before: with the wrap, the same thing; XEP-0198 §4
  // <handled-count-too-high/>).
  bool acknowledge(std::uint32_t handled, std::vector<api::JournalId>& settled);
  std::uint32_t acknowledgedCount() const { return acknowledged_; }

  // The link is over: every recorded message still waiting, oldest first.
  std::vector<api::JournalId> takeAll();

 private:
  struct Waiting {
    std::uint32_t number;  // the stanza's position on the stream
    api::JournalId journalId;
  };
  std::uint32_t sent_;
  std::uint32_t acknowledged_;
  std::deque<Waiting> waiting_;
};

}  // namespace kontalk::s2s
