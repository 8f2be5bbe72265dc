#pragma once
// IQ requests the server sent on its own behalf (api::ModuleHost::sendIq) that wait for their
// answer, keyed by (requester, id): the router hands it a result or error addressed to a bare
// JID of the server's domain, and the waiting entry takes it when the id matches and the answer
// comes from the address that was asked (RFC 6120 §8.2.3; spec §7.6 "match answers by id and
// sender"). Bounded: a full table refuses new requests instead of growing.
//
// Threading: every method may be called from any thread (one mutex); callbacks are handed out,
// never run under the lock: the caller runs what take() returns.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "xml/element.hpp"

namespace kontalk::router {

class PendingIqs {
 public:
  using Callback = std::function<void(const xml::Element& response)>;

  explicit PendingIqs(std::size_t capacity) : capacity_(capacity) {}

  // Registers a request from `requester` (bare JID) with `id` to `responder` (bare JID). False
  // when that (requester, id) already waits or the table is full.
  bool add(const std::string& requester, const std::string& id, const std::string& responder,
           Callback callback);
  // The callback waiting for `response` (an iq result or error; its 'from' and 'to' as bare
  // strings), removed from the table; nullopt when nothing waits for it (a late or unrelated
  // answer, which the router drops).
  std::optional<Callback> take(const std::string& from, const std::string& to,
                               const std::string& id);
  // The callback of (requester, id) whatever answered, removed: for the deadline.
  std::optional<Callback> expire(const std::string& requester, const std::string& id);
  std::size_t size() const;

 private:
  struct Entry {
    std::string responder;
    Callback callback;
  };
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Entry> entries_;
};

}  // namespace kontalk::router
