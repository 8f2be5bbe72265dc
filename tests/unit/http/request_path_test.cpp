// Request paths as routes see them (src/http/request_path.cpp): decoded once, and nothing that
// could climb out of a directory or smuggle a separator.

#include <gtest/gtest.h>

#include "http/request_path.hpp"

namespace kontalk::http {
namespace {

using Segments = std::vector<std::string>;

TEST(RequestPath, SplitsAndDecodes) {
  EXPECT_EQ(parseRequestPath("/"), Segments{});
  EXPECT_EQ(parseRequestPath("/upload/abc/x.jpg"), (Segments{"upload", "abc", "x.jpg"}));
  EXPECT_EQ(parseRequestPath("/upload/a%20b?x=/../"), (Segments{"upload", "a b"}));
  EXPECT_EQ(parseRequestPath("/a%2Eb/%7e"), (Segments{"a.b", "~"}));
  EXPECT_EQ(parseRequestPath("/upload#frag"), (Segments{"upload"}));
}

TEST(RequestPath, RefusesTraversalAndSmuggling) {
  for (const auto* target :
       {"", "upload", "http://example.net/upload", "*", "/upload/../etc", "/upload/./x",
        "/upload/%2e%2e/x", "/upload/%2E%2E", "/upload/.%2e/x", "/upload/a%2fb", "/upload/a%5cb",
        "/upload/a\\b", "/upload/a%00b", "/upload/a%0d%0ab", "/upload//x", "/upload/", "/upload/%",
        "/upload/%4", "/upload/%zz"}) {
    EXPECT_FALSE(parseRequestPath(target).has_value()) << target;
  }
}

}  // namespace
}  // namespace kontalk::http
