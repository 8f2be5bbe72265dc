#pragma once
// /healthz's readiness check (http/metrics_endpoint.hpp): storage::Storage::probe() on a storage
// worker, waited for at most `timeout`. A disk that hangs makes the check fail with Timeout
// instead of hanging the scraper; while a probe is still out, later checks wait for that one
// rather than queue more work behind it.
// Threading: check() from any thread but a shard (it blocks up to `timeout`).

#include <chrono>
#include <future>
#include <mutex>

#include "base/status.hpp"
#include "core/worker_pool.hpp"
#include "storage/storage.hpp"

namespace kontalk::app {

class StorageProbe {
 public:
  // `storage` and `workers` must outlive the probe's last job (workers are joined first).
  StorageProbe(storage::Storage& storage, core::WorkerPool& workers,
               std::chrono::milliseconds timeout)
      : storage_(storage), workers_(workers), timeout_(timeout) {}

  Result<void> check();

 private:
  storage::Storage& storage_;
  core::WorkerPool& workers_;
  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::shared_future<Result<void>> inFlight_;  // the latest probe
};

}  // namespace kontalk::app
