#pragma once
// When a message wakes a sleeping phone (spec §8.3): which messages count, and which sessions
// can still be reached without one.
// Pure functions of their arguments.
// Threading: any thread.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "api/session.hpp"
#include "xml/element.hpp"

namespace kontalk::modules::push {

// A message of type chat, normal or none, with a body or a receipt request (XEP-0184): what a
// user waits for. Chat states alone, groupchat and errors wake nobody.
bool wakesPhone(const xml::Element& message);
// An inbound subscription request (RFC 6121 §3.1.3): wakes XEP-0357 app servers too (spec §8.4).
bool isSubscriptionRequest(const xml::Element& presence);

// Why an account is pushed: what coalesced triggers had, for the XEP-0357 summary (spec §8.4).
struct Wake {
  bool message = false;    // a message (legacy push wakes only for these); else a subscription
  std::string lastSender;  // bare JID of the last message's sender
  std::string lastBody;
  // Adds a later trigger: a message's sender and body replace earlier ones.
  void merge(const Wake& later);
};
// The body is cut to kMaxKeptBodyBytes (the publish cuts it further, at a character boundary).
inline constexpr std::size_t kMaxKeptBodyBytes = 1024;
Wake wakeFor(const xml::Element& stanza, const std::string& senderBare);

// A session that can take a message now: attached (not waiting for an XEP-0198 resumption) and
// heard from within `idleAfter` (a silent mobile link may be dead).
bool isReachable(const api::Session& session, std::chrono::steady_clock::time_point now,
                 std::chrono::steady_clock::duration idleAfter);

bool anyReachable(const std::vector<std::shared_ptr<const api::Session>>& sessions,
                  std::chrono::steady_clock::time_point now,
                  std::chrono::steady_clock::duration idleAfter);

}  // namespace kontalk::modules::push
