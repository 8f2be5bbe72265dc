#pragma once
// A failed property of a fuzz target: print what broke and abort, so that libFuzzer saves the
// input as a crash (it treats an abort like any sanitizer report).

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace kontalk::fuzz {

[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz check failed: %s\n%.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

inline void check(bool condition, const char* what, std::string_view detail = {}) {
  if (!condition) fail(what, detail);
}

}  // namespace kontalk::fuzz
