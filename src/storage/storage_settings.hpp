#pragma once
// [storage]: which backend holds the server's data (options declared once, config/section.hpp).
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <string>

#include "config/section.hpp"

namespace kontalk::storage {

struct StorageSettings {
  std::string backend = "sqlite";       // "sqlite" (postgres later)
  std::string path = "kontalk.sqlite";  // SQLite database file, relative to data_dir
  // SQLite PRAGMA synchronous: "full" makes every commit survive power loss, which the
  // reliability contract (ARCHITECTURE.md §6) needs; "normal" survives a crash of the process
  // but may lose the last commits on power loss, for deployments that accept that.
  std::string synchronous = "full";
};

const config::Section<StorageSettings>& storageOptions();

}  // namespace kontalk::storage
