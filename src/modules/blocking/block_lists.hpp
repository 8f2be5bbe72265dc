#pragma once
// Every account's block list in memory, so that checking a stanza never waits for storage.
// Filled from storage once at start; changed only after storage accepted the change.
//
// Threading: all methods are thread-safe (one reader-writer lock; checks only read).

#include <cstddef>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "xmpp/jid.hpp"

namespace kontalk::modules::blocking {

class BlockLists {
 public:
  // `account` is always a bare JID string; `jids` are canonical JID strings (xmpp::Jid).
  void add(const std::string& account, const std::vector<std::string>& jids);
  void remove(const std::string& account, const std::vector<std::string>& jids);
  void clear(const std::string& account);

  std::vector<std::string> list(const std::string& account) const;  // sorted
  std::size_t size(const std::string& account) const;
  bool contains(const std::string& account, const std::string& jid) const;

  // Whether `account` blocks `peer`. An item matches as in XEP-0191 §3 (the JID forms of
  // XEP-0016 §2.1): a full JID item only that resource, a bare JID item every resource of it,
  // a domain item (with or without resource) the domain's entities.
  bool blocks(const std::string& account, const xmpp::Jid& peer) const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::set<std::string>> lists_;
};

}  // namespace kontalk::modules::blocking
