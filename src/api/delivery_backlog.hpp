#pragma once
// How far the delivery journal (api/delivery_journal.hpp) is behind: what `kontalkctl status`
// shows. Provided by the module that provides the journal.
// Threading: any thread; cheap (a lock held to copy three numbers).

#include <cstddef>

namespace kontalk::api {

struct DeliveryBacklogState {
  std::size_t messages = 0;  // records and removals not yet durable
  std::size_t bytes = 0;
  bool accepting = true;  // false: the bound is reached and streams wait (backpressure)
};

class DeliveryBacklog {
 public:
  virtual ~DeliveryBacklog() = default;
  virtual DeliveryBacklogState backlog() const = 0;
};

}  // namespace kontalk::api
