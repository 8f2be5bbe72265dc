#include "modules/upload/upload_metrics.hpp"

namespace kontalk::modules::upload {

UploadMetrics& uploadMetrics() {
  auto& registry = base::metrics::registry();
  static UploadMetrics metrics{
      registry.counter("kontalk_upload_received_bytes_total",
                       "Upload body bytes written to files (spec §8.7), cut-short uploads too."),
      registry.counter("kontalk_upload_served_bytes_total",
                       "File bytes read for downloads (GET), ranges included."),
      registry.counter("kontalk_upload_files_stored_total", "Uploads completed and stored.")};
  return metrics;
}

}  // namespace kontalk::modules::upload
