#pragma once
// A fresh PostgreSQL database per test, on the server KONTALK_TEST_POSTGRES_URL names
// (scripts/with-postgres starts one): created on a maintenance connection to that URL, dropped
// when the object is destroyed. Tests run as parallel processes (ctest -j), so the name carries
// the process id and a counter. Without the variable the PostgreSQL tests skip and the store
// tests use SQLite.

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <string>

#include "storage/postgresql/connection.hpp"

namespace kontalk::storage::testing {

// KONTALK_TEST_POSTGRES_URL, when set and not empty.
inline std::optional<std::string> postgresTestUrl() {
  const char* url = std::getenv("KONTALK_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

// `url` ("postgresql://user@host:port/db?options") naming database `name` instead.
inline std::string withDatabaseName(const std::string& url, const std::string& name) {
  const auto scheme = url.find("://");
  const auto hostStart = scheme == std::string::npos ? 0 : scheme + 3;
  const auto query = url.find('?', hostStart);
  const auto slash = url.find('/', hostStart);
  const auto pathStart = slash != std::string::npos && slash < query ? slash : query;
  const std::string head = url.substr(0, std::min(pathStart, url.size()));
  const std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + name + tail;
}

class PostgresTestDatabase {
 public:
  // Creates kontalk_test_<pid>_<n> on the server of `maintenanceUrl`.
  static Result<PostgresTestDatabase> create(const std::string& maintenanceUrl) {
    static std::atomic<int> counter{0};
    auto maintenance = postgresql::Connection::open(maintenanceUrl);
    if (!maintenance) return tl::unexpected(maintenance.error());
    const std::string name =
        "kontalk_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    // Left over by a test process that was killed before it dropped it.
    if (auto dropped = maintenance->execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        !dropped) {
      return tl::unexpected(dropped.error());
    }
    if (auto created = maintenance->execute("CREATE DATABASE " + name); !created) {
      return tl::unexpected(created.error());
    }
    return PostgresTestDatabase(maintenanceUrl, name);
  }

  PostgresTestDatabase(PostgresTestDatabase&& other) noexcept
      : maintenanceUrl_(std::move(other.maintenanceUrl_)), name_(std::move(other.name_)) {
    other.name_.clear();
  }
  PostgresTestDatabase& operator=(PostgresTestDatabase&&) = delete;

  // FORCE: a connection a failed test left open does not keep the database alive.
  ~PostgresTestDatabase() {
    if (name_.empty()) return;
    if (auto maintenance = postgresql::Connection::open(maintenanceUrl_)) {
      (void)maintenance->execute("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    }
  }

  const std::string& name() const { return name_; }
  std::string url() const { return withDatabaseName(maintenanceUrl_, name_); }

 private:
  PostgresTestDatabase(std::string maintenanceUrl, std::string name)
      : maintenanceUrl_(std::move(maintenanceUrl)), name_(std::move(name)) {}

  std::string maintenanceUrl_;
  std::string name_;
};

}  // namespace kontalk::storage::testing
