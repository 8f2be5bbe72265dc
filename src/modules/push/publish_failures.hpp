#pragma once
// When an XEP-0357 entry is disabled after its app server's answers (spec §8.4): any permanent
// error at once; transient ones (type wait, no answer in time) when kMaxTransientFailures come
// in a row; a result starts the count anew. Only entries with failures are remembered, at most
// `capacity`: past that a transient failure of a further entry is not counted (its entry
// stays; a later permanent error still disables it).
// Pure.
// Threading: not thread-safe; the module holds a mutex.

#include <cstddef>
#include <string>
#include <unordered_map>

#include "modules/push/app_server_wire.hpp"

namespace kontalk::modules::push {

inline constexpr int kMaxTransientFailures = 3;

class PublishFailures {
 public:
  enum class Action { Keep, Disable };

  explicit PublishFailures(std::size_t capacity) : capacity_(capacity) {}

  // `entry` names one (account, jid, node).
  Action record(const std::string& entry, PublishAnswer answer);
  std::size_t tracked() const { return transient_.size(); }

 private:
  std::size_t capacity_;
  std::unordered_map<std::string, int> transient_;  // failures in a row, by entry
};

}  // namespace kontalk::modules::push
