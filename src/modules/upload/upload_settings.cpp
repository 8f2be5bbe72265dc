#include "modules/upload/upload_settings.hpp"

namespace kontalk::modules::upload {

using namespace std::chrono_literals;

const config::Section<UploadSettings>& uploadOptions() {
  static const config::Section<UploadSettings> section(
      "modules.upload",
      "XEP-0363 HTTP File Upload (spec §8.6, §8.7): slots from SERVICE.DOMAIN, files served by "
      "the [http] server under /upload and kept in data_dir/upload.",
      [](config::SectionBuilder<UploadSettings>& option) {
        option.text("service", &UploadSettings::service,
                    "the service's subdomain: uploads are asked of SERVICE.DOMAIN");
        option.text("base_url", &UploadSettings::baseUrl,
                    "what slot URLs start with (no trailing '/'); \"\" for "
                    "https://DOMAIN:PORT/upload, PORT the first [http] listen address's");
        option.integer("max_file_size", &UploadSettings::maxFileSize, std::uint64_t{1},
                       std::uint64_t{1} << 40, "bytes of one file (file-too-large beyond)");
        option.integer("user_quota", &UploadSettings::userQuota, std::uint64_t{1},
                       std::uint64_t{1} << 50,
                       "bytes one user may have stored; a slot beyond is resource-constraint");
        option.integer("user_quota_soft", &UploadSettings::userQuotaSoft, std::uint64_t{0},
                       std::uint64_t{1} << 50,
                       "the expiry deletes a user's oldest files while they hold more");
        option.duration("max_age", &UploadSettings::maxAge, 1s, std::chrono::seconds(1LL << 32),
                        "seconds a file is served after its upload");
        option.duration("slot_ttl", &UploadSettings::slotTtl, 1s, 86400s,
                        "seconds a slot waits for its PUT");
        option.duration("expiry_interval", &UploadSettings::expiryInterval, 1s, 86400s,
                        "seconds between two runs of the expiry (max_age, user_quota_soft, "
                        "unused slots)");
      },
      [](const UploadSettings& settings) -> std::optional<std::string> {
        if (settings.service.empty() ||
            settings.service.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") !=
                std::string::npos) {
          return "service must be a DNS label (a-z, 0-9, '-')";
        }
        if (settings.baseUrl.ends_with('/')) return "base_url must not end with '/'";
        if (!settings.baseUrl.empty() && !settings.baseUrl.starts_with("https://") &&
            !settings.baseUrl.starts_with("http://")) {
          return "base_url must start with https:// or http://";
        }
        if (settings.userQuotaSoft > settings.userQuota) {
          return "user_quota_soft must not exceed user_quota";
        }
        return std::nullopt;
      });
  return section;
}

}  // namespace kontalk::modules::upload
