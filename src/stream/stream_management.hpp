#pragma once
// Stream Management counters and the queue of unacknowledged stanzas (XEP-0198 §4–§5), without
// any I/O: the c2s stream feeds it and acts on its answers. Counters are 32-bit and wrap
// (XEP-0198 §4: "h" is reset to zero after 2^32 - 1).
//
// Threading: owned by one session and used on that session's shard only.

#include <cstdint>
#include <deque>
#include <vector>

#include "api/delivery_journal.hpp"
#include "xml/element.hpp"

namespace kontalk::stream {

class StreamManagement {
 public:
  // A stanza sent and not yet acknowledged, with the delivery-journal record it settles.
  struct Outbound {
    xml::Element stanza;
    api::JournalId journalId = 0;
    std::size_t bytes = 0;  // its serialized size, for the bound on what a session keeps
  };

  // Counters start at zero on <enable/>; other starting points exist for tests of the wrap.
  explicit StreamManagement(std::uint32_t inbound = 0, std::uint32_t acknowledged = 0)
      : inbound_(inbound), acknowledged_(acknowledged) {}

  void enable(bool resumable) {
    enabled_ = true;
    resumable_ = resumable;
  }
  bool enabled() const { return enabled_; }
  bool resumable() const { return resumable_; }

  // Stanzas received from the client (the client's "h" as the server reports it in <a/>).
  void countInbound() { ++inbound_; }
  std::uint32_t inboundCount() const { return inbound_; }

  // A stanza sent to the client (`bytes` on the wire): kept until the client acknowledges it.
  void recordOutbound(xml::Element stanza, api::JournalId journalId = 0, std::size_t bytes = 0);
  // The client's <a h='…'/>: drops what it acknowledges and adds the journal records of those
  // stanzas to `settled`. False when `h` acknowledges more than was sent (XEP-0198 §4:
  // <handled-count-too-high/>); nothing changes then.
  bool acknowledge(std::uint32_t h, std::vector<api::JournalId>& settled);
  std::uint32_t acknowledgedCount() const { return acknowledged_; }

  const std::deque<Outbound>& unacknowledged() const { return unacknowledged_; }
  std::size_t unacknowledgedBytes() const { return unacknowledgedBytes_; }
  // Empties the queue (for retransmission after resumption, or for offline storage).
  std::deque<Outbound> takeUnacknowledged();

 private:
  bool enabled_ = false;
  bool resumable_ = false;
  std::uint32_t inbound_;
  std::uint32_t acknowledged_;  // the last h the client sent
  std::deque<Outbound> unacknowledged_;
  std::size_t unacknowledgedBytes_ = 0;
};

}  // namespace kontalk::stream
