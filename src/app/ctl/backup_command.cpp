#include "app/ctl/backup_command.hpp"

#include <filesystem>
#include <ostream>
#include <system_error>

#include "storage/backends/open_storage.hpp"

namespace kontalk::ctl {

int backupDatabase(const app::Config& config, const std::string& file, std::ostream& out,
                   std::ostream& err) {
  std::error_code error;
  // Only a SQLite file can be missing here; PostgreSQL answers for itself (backupStorage).
  if (config.storage.backend == "sqlite" && !std::filesystem::exists(config.storage.path, error)) {
    err << "kontalkctl: no database at " << config.storage.path << " to back up\n";
    return 2;
  }
  if (auto written = storage::backupStorage(config.storage, file); !written) {
    err << "kontalkctl: backup failed: " << written.error().message << "\n";
    return 1;
  }
  const auto bytes = std::filesystem::file_size(file, error);
  out << "backed up " << config.storage.path << " to " << file << " (" << (error ? 0 : bytes)
      << " bytes)\n"
      << "not in the backup, copy them too: the server key " << config.server.pgpKey.string()
      << ", the TLS files " << config.tls.certificate.string() << " and "
      << config.tls.privateKey.string() << ", uploaded files under "
      << (config.server.dataDir / "upload").string() << "\n";
  return 0;
}

}  // namespace kontalk::ctl
