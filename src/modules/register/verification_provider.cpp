#include "modules/register/verification_provider.hpp"

#include <algorithm>

namespace kontalk::modules::registration {
namespace {

// Longer than the ids of the supported services (Vonage: 32 hex digits; Checkmobi: a UUID).
constexpr std::size_t kMaxRequestIdBytes = 128;

}  // namespace

bool isUsableRequestId(std::string_view id) {
  return !id.empty() && id.size() <= kMaxRequestIdBytes &&
         std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

}  // namespace kontalk::modules::registration
