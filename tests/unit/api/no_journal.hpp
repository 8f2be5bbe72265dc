#pragma once
// A delivery journal that keeps nothing and is always durable and accepting: for tests that need
// one registered (a module providing the journal service) but never look at what it records.
// Threading: stateless; any thread.

#include <functional>
#include <span>

#include "api/delivery_journal.hpp"

namespace kontalk::api::testing {

class NoJournal final : public DeliveryJournal {
 public:
  JournalId record(const xml::Element&, const xmpp::Jid&, JournalId) override { return 0; }
  void settle(std::span<const JournalId>) override {}
  void whenDurable(std::function<void()> done) override { done(); }
  void release(std::span<const JournalId>) override {}
  bool isAccepting() const override { return true; }
  void whenAccepting(std::function<void()> ready) override { ready(); }
};

}  // namespace kontalk::api::testing
