#pragma once
// What happens to a stanza for another server that cannot leave (spec §7.9): a message with a
// delivery-journal record stays stored and is handed back (RemoteDelivery sends it again later,
// and bounces it after the queue's time); without a record, an IQ request gets an error
// (remote-server-not-found when the domain cannot be reached at all, else remote-server-timeout),
// a message returns to its sender with its id and remote-server-timeout, the rest is dropped.
//
// Threading: any thread (the router and the journal are thread-safe).

#include "api/delivery_journal.hpp"
#include "router/router.hpp"
#include "xml/element.hpp"

namespace kontalk::s2s {

void handleUndeliverable(router::Router& router, const xml::Element& stanza,
                         api::JournalId journalId, bool unreachable);

}  // namespace kontalk::s2s
