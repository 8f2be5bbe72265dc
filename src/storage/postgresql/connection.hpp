#pragma once
// A thin RAII wrapper over libpq, used only inside storage/postgresql: a connection, the
// parameters and rows of one statement, a transaction guard. libpq-fe.h is kept out of this
// header so that code outside the backend never sees the C API.
//
// Statements use $1, $2, ... placeholders. query() prepares each distinct SQL text once per
// connection (a named prepared statement, cached by its text), so a statement is parsed and
// planned once, not at every call. Results come back in binary format: rows read int64, text and
// bytea columns without text round trips.
//
// Failures map to the server's status codes (base/status.hpp) by SQLSTATE: a lost or refused
// connection (class 08), an administrator shutdown (57P01..57P03), serialization failures and
// deadlocks (40001, 40P01), insufficient resources (class 53) and a full pool are Unavailable
// (transient); a unique violation (23505) is AlreadyExists; a foreign key violation (23503) is
// NotFound; everything else is Internal. The message carries the SQLSTATE and the server's text.
//
// Threading: Connection, Rows, Parameters and Transaction are not thread-safe; the
// ConnectionPool hands each connection to one thread at a time. Everything here blocks (network
// round trips): call it off the shards only.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/result.hpp"

struct pg_conn;
struct pg_result;

namespace kontalk::storage::postgresql {

// The parameters of one statement, bound to $1, $2, ... in the order they are added.
class Parameters {
 public:
  Parameters& text(std::string_view value);
  Parameters& int64(std::int64_t value);
  // Raw bytes (NUL bytes included), sent in binary format to a bytea column.
  Parameters& bytea(std::string_view value);
  Parameters& null();

 private:
  friend class Connection;
  struct Value {
    std::string bytes;
    unsigned int type = 0;  // the parameter's type OID
    bool isNull = false;
    bool binary = false;
  };
  std::vector<Value> values_;
};

// What one statement returned. Rows and columns are numbered from 0.
class Rows {
 public:
  int count() const;
  bool isNull(int row, int column) const;
  // A smallint, integer or bigint column.
  std::int64_t int64(int row, int column) const;
  std::string text(int row, int column) const;
  std::string bytea(int row, int column) const;
  // Rows changed by an INSERT, UPDATE or DELETE.
  std::int64_t affected() const;

 private:
  friend class Connection;
  struct Clear {
    void operator()(pg_result* result) const;
  };
  explicit Rows(pg_result* result) : result_(result) {}
  std::unique_ptr<pg_result, Clear> result_;
};

class Connection {
 public:
  // Connects to a libpq connection URI ("postgresql://user@host:port/database?..."); a missing
  // connect_timeout defaults to 5 s so that an unreachable server fails rather than hangs.
  static Result<Connection> open(const std::string& url);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // Runs one or more SQL statements without parameters that return no rows (migrations, BEGIN).
  Result<void> execute(std::string_view sql);
  // Runs one statement with its parameters, prepared once per connection.
  Result<Rows> query(std::string_view sql, const Parameters& parameters = {});
  // True once the connection to the server is lost: the pool replaces it rather than reuse it.
  bool broken() const;
  // Reads, without waiting, what the server sent while the connection sat idle: a backend
  // terminated meanwhile (pg_terminate_backend, a server restart) reads as not usable here, so
  // that the pool replaces it before a caller's statement fails on it.
  bool usable();

 private:
  friend class Transaction;
  struct Close {
    void operator()(pg_conn* connection) const;
  };
  struct State;
  explicit Connection(pg_conn* connection);
  // execute(), answering the command tag ("COMMIT", or "ROLLBACK" for a failed transaction).
  Result<std::string> executeForStatus(std::string_view sql);

  std::unique_ptr<pg_conn, Close> connection_;
  std::unique_ptr<State> state_;  // on the heap: libpq's notice receiver points at it
};

// BEGIN ... COMMIT, rolled back when destroyed uncommitted (an early return on error).
class Transaction {
 public:
  static Result<Transaction> begin(Connection& connection);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Result<void> commit();

 private:
  explicit Transaction(Connection& connection) : connection_(&connection) {}
  Connection* connection_;  // null once committed or moved from
};

}  // namespace kontalk::storage::postgresql
