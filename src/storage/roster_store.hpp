#pragma once
// Rosters and presence state kept for an account (RFC 6121 §2-4, ARCHITECTURE.md §7):
// roster items with their subscription state, the roster version (§2.6), inbound subscription
// requests waiting for the user's answer (§3.1.3) and the last unavailable presence (§4.3.2).
// Backend-neutral. An account is named by (username, domain) as in AccountStore; everything
// here goes when the account goes.
// Threading: methods block: call them from a worker, never on a shard; implementations are
// thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/result.hpp"

namespace kontalk::storage {

// One roster item (RFC 6121 §2.1.2). `contact` is a prepared bare JID.
struct RosterItem {
  std::string contact;
  std::string name;                 // empty when the user gave none
  bool subscriptionTo = false;      // the user receives the contact's presence
  bool subscriptionFrom = false;    // the contact receives the user's presence
  bool askSubscribe = false;        // "pending out": the user asked, the contact has not answered
  bool approved = false;            // pre-approval of the contact's future request (§3.4)
  std::vector<std::string> groups;  // in the order the client gave them

  friend bool operator==(const RosterItem&, const RosterItem&) = default;
};

// A subscription request from `contact` that the user has not answered ("pending in"), with the
// stanza as received so that it can be delivered again at the user's next login (§3.1.3).
struct PendingSubscription {
  std::string contact;
  std::string stanza;           // serialized <presence type='subscribe'/>
  std::int64_t receivedAt = 0;  // unix seconds
};

// The presence an account's last available resource left with (§4.3.2, XEP-0012).
struct LastPresence {
  std::string stanza;   // serialized <presence type='unavailable'/>
  std::int64_t at = 0;  // unix seconds
};

class RosterStore {
 public:
  virtual ~RosterStore() = default;

  // The roster, ordered by contact.
  virtual Result<std::vector<RosterItem>> items(const std::string& username,
                                                const std::string& domain) = 0;
  virtual Result<std::optional<RosterItem>> item(const std::string& username,
                                                 const std::string& domain,
                                                 const std::string& contact) = 0;
  virtual Result<std::int64_t> itemCount(const std::string& username,
                                         const std::string& domain) = 0;
  // Inserts or replaces the item (groups included) and increments the roster version in the
  // same transaction; returns the new version. Fails (Backend) for an unknown account.
  virtual Result<std::int64_t> putItem(const std::string& username, const std::string& domain,
                                       const RosterItem& item) = 0;
  // Removes the item and increments the version; returns the new version. NotFound when absent.
  virtual Result<std::int64_t> removeItem(const std::string& username, const std::string& domain,
                                          const std::string& contact) = 0;
  // The current roster version: 0 for a roster never changed.
  virtual Result<std::int64_t> version(const std::string& username, const std::string& domain) = 0;

  // Records (or replaces) the pending inbound request from request.contact.
  virtual Result<void> putPendingSubscription(const std::string& username,
                                              const std::string& domain,
                                              const PendingSubscription& request) = 0;
  // Forgets it; true when there was one.
  virtual Result<bool> removePendingSubscription(const std::string& username,
                                                 const std::string& domain,
                                                 const std::string& contact) = 0;
  virtual Result<std::optional<PendingSubscription>> pendingSubscription(
      const std::string& username, const std::string& domain, const std::string& contact) = 0;
  // All pending requests, oldest first.
  virtual Result<std::vector<PendingSubscription>> pendingSubscriptions(
      const std::string& username, const std::string& domain) = 0;

  virtual Result<void> setLastPresence(const std::string& username, const std::string& domain,
                                       const LastPresence& presence) = 0;
  virtual Result<std::optional<LastPresence>> lastPresence(const std::string& username,
                                                           const std::string& domain) = 0;
};

}  // namespace kontalk::storage
