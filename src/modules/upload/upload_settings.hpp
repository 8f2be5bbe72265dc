#pragma once
// [modules.upload]: XEP-0363 HTTP File Upload (spec §8.6, §8.7).
// Threading: read once at start-up; immutable afterwards.

#include <chrono>
#include <cstdint>
#include <string>

#include "config/section.hpp"

namespace kontalk::modules::upload {

struct UploadSettings {
  // The service's subdomain: SERVICE.DOMAIN (the original server's "media").
  std::string service = "media";
  // What PUT and GET URLs start with; "" derives https://DOMAIN:PORT/upload from the first
  // [http] listen address. Set it behind a reverse proxy.
  std::string baseUrl;
  std::uint64_t maxFileSize = 20971520;
  std::uint64_t userQuota = 104857600;
  std::uint64_t userQuotaSoft = 78643200;
  std::chrono::seconds maxAge{2592000};
  std::chrono::seconds slotTtl{300};
  std::chrono::seconds expiryInterval{3600};  // spec §8.7: hourly
};

const config::Section<UploadSettings>& uploadOptions();

}  // namespace kontalk::modules::upload
