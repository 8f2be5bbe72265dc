#include "app/server/storage_probe.hpp"

#include <memory>
#include <string>

namespace kontalk::app {

Result<void> StorageProbe::check() {
  std::shared_future<Result<void>> probe;
  {
    std::lock_guard lock(mutex_);
    const bool running = inFlight_.valid() &&
                         inFlight_.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
    if (!running) {
      auto promise = std::make_shared<std::promise<Result<void>>>();
      inFlight_ = promise->get_future().share();
      workers_.post([promise, &storage = storage_] { promise->set_value(storage.probe()); });
    }
    probe = inFlight_;
  }
  if (probe.wait_for(timeout_) != std::future_status::ready) {
    return failure(StatusCode::Timeout,
                   "storage did not commit within " + std::to_string(timeout_.count()) + " ms");
  }
  auto result = probe.get();
  if (!result) return failure(result.error(), "storage");
  return result;
}

}  // namespace kontalk::app
