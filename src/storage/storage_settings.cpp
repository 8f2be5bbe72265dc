#include "storage/storage_settings.hpp"

#include <optional>

namespace kontalk::storage {

const config::Section<StorageSettings>& storageOptions() {
  static const config::Section<StorageSettings> section(
      "storage",
      "Where accounts, rosters, keys and offline messages live. Migrations are numbered and "
      "applied at start and by `kontalkctl migrate`.",
      [](config::SectionBuilder<StorageSettings>& option) {
        option.choice("backend", &StorageSettings::backend, {"sqlite", "postgresql"},
                      "\"sqlite\": one file beside the server; \"postgresql\": a server that "
                      "several kontalkd nodes may share (needs `url`)");
        option.text("path", &StorageSettings::path,
                    "SQLite database file (WAL mode, mode 0600; relative to data_dir)");
        option.choice("synchronous", &StorageSettings::synchronous, {"full", "normal"},
                      "SQLite `synchronous`: \"full\" survives power loss, \"normal\" only a "
                      "crash of the process");
        option.text("url", &StorageSettings::url,
                    "PostgreSQL connection URI, e.g. "
                    "\"postgresql://kontalk@db.example.org:5432/kontalk\" (libpq syntax; "
                    "connect_timeout defaults to 5 s); required with backend = \"postgresql\"");
        option.integer("pool_size", &StorageSettings::poolSize, 1, 200,
                       "PostgreSQL: most connections this server opens (each is a server "
                       "process on the database host)");
        option.duration("acquire_timeout", &StorageSettings::acquireTimeout,
                        std::chrono::milliseconds(10), std::chrono::milliseconds(60000),
                        "PostgreSQL: how long a storage call waits for a free pooled connection "
                        "before it fails as unavailable");
      },
      [](const StorageSettings& settings) -> std::optional<std::string> {
        if (settings.backend == "postgresql" && settings.url.empty()) {
          return "backend = \"postgresql\" needs url = \"postgresql://...\"";
        }
        return std::nullopt;
      });
  return section;
}

}  // namespace kontalk::storage
