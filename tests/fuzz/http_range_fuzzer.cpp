// Fuzz target: the Range header (src/api/http_range). The input is 8 bytes of file size (little
// endian) followed by the header's value. Properties checked, besides the sanitizers': a partial
// range lies inside the file and is not empty.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "api/http_range.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < sizeof(std::uint64_t)) return 0;
  std::uint64_t fileSize = 0;
  std::memcpy(&fileSize, data, sizeof fileSize);
  const std::string_view header(reinterpret_cast<const char*>(data) + sizeof fileSize,
                                size - sizeof fileSize);
  const auto range = kontalk::api::selectRange(header, fileSize);
  if (range.kind == kontalk::api::RangeKind::Partial) {
    kontalk::fuzz::check(range.first <= range.last && range.last < fileSize,
                         "a partial range outside the file", header);
  }
  return 0;
}
