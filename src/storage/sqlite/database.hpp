#pragma once
// A thin RAII wrapper over the sqlite3 C API, used only inside storage/sqlite: a connection
// handle, prepared statements with bind/step/column helpers, and a transaction guard.
// sqlite3.h is kept out of this header so that code outside the backend never sees the C API.
// Threading: none of these types are thread-safe; GuardedDatabase serializes access to one
// connection. Used off the shards only (it blocks).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "storage/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace kontalk::storage::sqlite {

// A prepared statement. Parameters and columns are numbered as in SQLite: parameters from 1,
// columns from 0. Bind errors (a wrong index, a value too big) are remembered and reported by
// the next step(), so call sites read as one chain of binds followed by one checked step.
class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  void bindInt64(int index, std::int64_t value);
  void bindText(int index, std::string_view value);
  // Raw bytes, NUL bytes included. An empty value is stored as a zero-length BLOB, not NULL.
  void bindBlob(int index, std::string_view value);
  void bindNull(int index);

  // Runs the statement one step: true when a row is available, false when it has finished.
  Result<bool> step();
  // Runs a statement that returns no rows to completion.
  Result<void> run();
  // Makes the statement runnable again with the same bindings.
  void reset();

  // What a column of the current row holds (SQLite types each value, not each column).
  enum class ColumnType { Integer, Real, Text, Blob, Null };
  int columnCount() const;
  std::string columnName(int index) const;
  ColumnType columnType(int index) const;
  std::int64_t columnInt64(int index) const;
  std::string columnText(int index) const;
  std::string columnBlob(int index) const;

 private:
  friend class Database;
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const;
  };
  Statement(sqlite3* connection, sqlite3_stmt* statement);
  void recordBindResult(int code, int index);

  sqlite3* connection_;  // owned by the Database, which outlives its statements
  std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
  std::string bindError_;  // first bind failure, reported by step()
};

class Database {
 public:
  // Opens (creating if needed) the database file. No pragmas are set here; see database_setup.
  static Result<Database> open(const std::string& path);

  // Runs one or more SQL statements that return no rows.
  Result<void> execute(std::string_view sql);
  // Compiles exactly one SQL statement.
  Result<Statement> prepare(std::string_view sql);
  // Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
  std::int64_t changes() const;
  // Replaces the content of `target`'s database with a copy of this connection's, through
  // SQLite's online backup API in one step: one read transaction, so the copy is one consistent
  // snapshot while other connections (a running server's) keep writing; in WAL mode they are
  // not held up (https://sqlite.org/backup.html).
  Result<void> copyInto(Database& target);

 private:
  struct Closer {
    void operator()(sqlite3* connection) const;
  };
  explicit Database(sqlite3* connection) : connection_(connection) {}
  // The connection's last error, with `what` was being done.
  Result<void> lastError(std::string_view what) const;

  std::unique_ptr<sqlite3, Closer> connection_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed uncommitted (an early return on error).
// IMMEDIATE takes the write lock up front: a deferred transaction that later upgrades to a writer
// can fail with SQLITE_BUSY without waiting for busy_timeout
// (https://sqlite.org/lang_transaction.html).
class Transaction {
 public:
  static Result<Transaction> begin(Database& database);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Result<void> commit();

 private:
  explicit Transaction(Database& database) : database_(&database) {}
  Database* database_;  // null once committed or moved from
};

}  // namespace kontalk::storage::sqlite
