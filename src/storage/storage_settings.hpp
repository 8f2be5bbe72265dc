#pragma once
// [storage]: which backend holds the server's data (options declared once, config/section.hpp).
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <chrono>
#include <cstddef>
#include <string>

#include "config/section.hpp"

namespace kontalk::storage {

struct StorageSettings {
  std::string backend = "sqlite";       // "sqlite" or "postgresql"
  std::string path = "kontalk.sqlite";  // SQLite database file, relative to data_dir
  // SQLite PRAGMA synchronous: "full" makes every commit survive power loss, which the
  // reliability contract (ARCHITECTURE.md §6) needs; "normal" survives a crash of the process
  // but may lose the last commits on power loss, for deployments that accept that.
  std::string synchronous = "full";
  // PostgreSQL: a libpq connection URI, required with backend = "postgresql".
  std::string url;
  // PostgreSQL: at most this many connections (postgresql/connection_pool.hpp says why bounded),
  // and how long a storage call waits for a free one before it fails as unavailable.
  std::size_t poolSize = 10;
  std::chrono::milliseconds acquireTimeout{5000};
};

const config::Section<StorageSettings>& storageOptions();

}  // namespace kontalk::storage
