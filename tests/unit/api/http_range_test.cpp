// The Range header as file routes answer it (src/api/http_range.cpp, RFC 9110 §14.2, spec §8.7).

#include <gtest/gtest.h>

#include "api/http_range.hpp"

namespace kontalk::api {
namespace {

void expectPartial(std::string_view header, std::uint64_t size, std::uint64_t first,
                   std::uint64_t last) {
  const auto range = selectRange(header, size);
  EXPECT_EQ(range.kind, RangeKind::Partial) << header;
  EXPECT_EQ(range.first, first) << header;
  EXPECT_EQ(range.last, last) << header;
}

TEST(HttpRange, OneRange) {
  expectPartial("bytes=0-99", 1000, 0, 99);
  expectPartial("bytes=500-", 1000, 500, 999);
  expectPartial("bytes=990-5000", 1000, 990, 999);  // clamped
  expectPartial("bytes=-10", 1000, 990, 999);       // suffix
  expectPartial("bytes=-5000", 1000, 0, 999);
  expectPartial("bytes=999-999", 1000, 999, 999);
}

TEST(HttpRange, Unsatisfiable) {
  EXPECT_EQ(selectRange("bytes=999999999-", 1000).kind, RangeKind::Unsatisfiable);
  EXPECT_EQ(selectRange("bytes=1000-1001", 1000).kind, RangeKind::Unsatisfiable);
  EXPECT_EQ(selectRange("bytes=-0", 1000).kind, RangeKind::Unsatisfiable);
}

TEST(HttpRange, AnythingElseIsTheWholeFile) {
  for (const auto* header :
       {"", "bytes=0-1,5-6", "items=0-1", "bytes=", "bytes=-", "bytes=5-1", "bytes=a-b",
        "bytes= 0-1", "bytes=99999999999999999999999-", "Bytes=0-1", "bytes=0-1-2"}) {
    EXPECT_EQ(selectRange(header, 1000).kind, RangeKind::Whole) << header;
  }
}

}  // namespace
}  // namespace kontalk::api
