#include "app/ctl/storage_copy_command.hpp"

#include <filesystem>
#include <optional>
#include <ostream>
#include <system_error>

#include "app/config/config.hpp"
#include "app/ctl/commands.hpp"
#include "storage/backends/open_storage.hpp"
#include "storage/table_rows.hpp"

namespace kontalk::ctl {

namespace {

// Rows per batch: a few MB of stanzas at most, whatever the journal's length.
constexpr std::size_t kCopyBatchRows = 500;

std::optional<app::Config> load(const std::string& file, std::ostream& err) {
  try {
    return app::loadConfig(file);
  } catch (const config::ConfigError& e) {
    err << "kontalkctl: " << file << ": " << e.what() << "\n";
    return std::nullopt;
  }
}

std::string describe(const storage::StorageSettings& settings) {
  if (settings.backend == "sqlite") return "sqlite " + settings.path;
  return settings.backend;
}

// The source is opened, never created nor migrated: a copy of nothing would look like a copy
// of everything.
std::unique_ptr<storage::Storage> openSource(const app::Config& config, std::ostream& err) {
  std::error_code error;
  if (config.storage.backend == "sqlite" && !std::filesystem::exists(config.storage.path, error)) {
    err << "kontalkctl: no database at " << config.storage.path << " to copy from\n";
    return nullptr;
  }
  auto opened = storage::openStorage(config.storage);
  if (!opened) {
    err << "kontalkctl: cannot open the source storage: " << opened.error().message << "\n";
    return nullptr;
  }
  auto version = (*opened)->schemaVersion();
  if (!version || *version == 0) {
    err << "kontalkctl: the source storage "
        << (version ? "was never migrated: it holds nothing" : version.error().message) << "\n";
    return nullptr;
  }
  return std::move(*opened);
}

}  // namespace

int copyStorageBetween(const std::string& fromConfigFile, const std::string& toConfigFile,
                       std::ostream& out, std::ostream& err) {
  auto from = load(fromConfigFile, err);
  auto to = from ? load(toConfigFile, err) : std::nullopt;
  if (!from || !to) return 2;
  auto source = openSource(*from, err);
  if (!source) return 2;
  auto destination = openForCommands(*to, err);
  if (!destination) return 2;
  auto copied = storage::copyStorage(*source, *destination, kCopyBatchRows);
  if (!copied) {
    err << "kontalkctl: copy refused or failed, nothing copied: " << copied.error().message << "\n";
    return 1;
  }
  std::int64_t rows = 0;
  for (const auto& table : *copied) {
    out << table.table << ": " << table.rows << " row(s)\n";
    rows += table.rows;
  }
  out << "copied " << rows << " row(s) in " << copied->size() << " table(s) from "
      << describe(from->storage) << " to " << describe(to->storage) << "\n";
  return 0;
}

}  // namespace kontalk::ctl
