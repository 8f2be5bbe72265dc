#include "storage/storage_settings.hpp"

namespace kontalk::storage {

const config::Section<StorageSettings>& storageOptions() {
  static const config::Section<StorageSettings> section(
      "storage",
      "Where accounts, rosters, keys and offline messages live. Migrations are numbered and "
      "applied at start and by `kontalkctl migrate`.",
      [](config::SectionBuilder<StorageSettings>& option) {
        option.choice("backend", &StorageSettings::backend, {"sqlite"},
                      "only SQLite today; the store interfaces are backend-neutral");
        option.text("path", &StorageSettings::path,
                    "SQLite database file (WAL mode, mode 0600; relative to data_dir)");
        option.choice("synchronous", &StorageSettings::synchronous, {"full", "normal"},
                      "SQLite `synchronous`: \"full\" survives power loss, \"normal\" only a "
                      "crash of the process");
      });
  return section;
}

}  // namespace kontalk::storage
