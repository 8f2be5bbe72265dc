#pragma once
// What the upload service counts (issue 13, /metrics): body bytes written to upload files and
// file bytes read for downloads, and uploads completed.
// Threading: any thread.

#include "base/metrics.hpp"

namespace kontalk::modules::upload {

struct UploadMetrics {
  base::metrics::Counter& bytesReceived;
  base::metrics::Counter& bytesServed;
  base::metrics::Counter& filesStored;
};

// The process's, on base::metrics::registry().
UploadMetrics& uploadMetrics();

}  // namespace kontalk::modules::upload
