#include "storage/sqlite/database_setup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

namespace kontalk::storage::sqlite {

namespace {

// How long a connection waits for another process's write lock before giving up with
// SQLITE_BUSY. Within one process GuardedDatabase serializes writers, so this only covers
// kontalkctl or a second kontalkd working on the same file.
constexpr int kBusyTimeoutMilliseconds = 5000;

std::string busyTimeoutPragma() {
  return "PRAGMA busy_timeout=" + std::to_string(kBusyTimeoutMilliseconds);
}

// Creates the file ourselves so that it is born with mode 0600; SQLite would create it with
// 0644 minus the umask. SQLite gives the -wal and -shm files the mode of the database file.
Result<void> prepareDatabaseFile(const std::string& path) {
  const std::filesystem::path file(path);
  if (file.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(file.parent_path(), error);
    if (error) {
      return failure(StatusCode::Unavailable, "sqlite: cannot create directory " +
                                                  file.parent_path().string() + ": " +
                                                  error.message());
    }
  }
  const int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (descriptor >= 0) {
    ::close(descriptor);
  } else if (errno != EEXIST) {
    return failure(StatusCode::Unavailable,
                   "sqlite: cannot create " + path + ": " + std::strerror(errno));
  }
  return {};
}

}  // namespace

Result<Database> openDatabaseFile(const std::string& path, const std::string& synchronous) {
  if (path.empty())
    return failure(StatusCode::InvalidArgument, "sqlite: no database path configured");
  // FULL syncs the WAL at every commit, so an acknowledged write survives power loss; NORMAL
  // survives a crash of the process but may lose the last commits on power loss
  // (https://sqlite.org/pragma.html#pragma_synchronous).
  if (synchronous != "full" && synchronous != "normal") {
    return failure(
        StatusCode::InvalidArgument,
        "sqlite: synchronous must be \"full\" or \"normal\", not \"" + synchronous + "\"");
  }
  if (auto prepared = prepareDatabaseFile(path); !prepared) {
    return tl::unexpected(prepared.error());
  }
  auto database = Database::open(path);
  if (!database) return database;

  // The busy timeout comes first: switching the journal mode needs a lock that another process
  // may hold for a moment.
  if (auto configured = database->execute(busyTimeoutPragma()); !configured) {
    return tl::unexpected(configured.error());
  }
  // journal_mode answers with the mode in effect, which stays the old one when WAL is
  // impossible (e.g. a file system without shared memory); refuse to run without it.
  auto journalMode = database->prepare("PRAGMA journal_mode=WAL");
  if (!journalMode) return tl::unexpected(journalMode.error());
  auto row = journalMode->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row || journalMode->columnText(0) != "wal") {
    return failure(StatusCode::Unavailable, "sqlite: cannot enable WAL journal mode for " + path);
  }
  const std::string pragmas = "PRAGMA foreign_keys=ON; PRAGMA synchronous=" + synchronous;
  if (auto configured = database->execute(pragmas); !configured) {
    return tl::unexpected(configured.error());
  }
  return database;
}

Result<void> writeBackupFile(Database& source, const std::string& path) {
  const std::string partial = path + ".partial";
  std::error_code ignored;
  std::filesystem::remove(partial, ignored);  // left by an interrupted backup
  auto copied = [&]() -> Result<void> {
    if (auto prepared = prepareDatabaseFile(partial); !prepared) return prepared;
    auto target = Database::open(partial);
    if (!target) return tl::unexpected(target.error());
    return source.copyInto(*target);  // the target closes here, before the rename
  }();
  if (copied) {
    std::error_code error;
    std::filesystem::rename(partial, path, error);
    if (!error) return {};
    copied = failure(StatusCode::Unavailable,
                     "sqlite: cannot rename " + partial + " to " + path + ": " + error.message());
  }
  std::filesystem::remove(partial, ignored);
  return copied;
}

Result<Database> openReaderConnection(const std::string& path) {
  auto database = Database::open(path);
  if (!database) return database;
  // The busy timeout covers the moments a checkpoint or recovery locks readers out.
  const std::string pragmas = busyTimeoutPragma() + "; PRAGMA query_only=ON";
  if (auto configured = database->execute(pragmas); !configured) {
    return tl::unexpected(configured.error());
  }
  return database;
}

}  // namespace kontalk::storage::sqlite
