#include "storage/sqlite/database.hpp"

#include <sqlite3.h>

#include <utility>

namespace kontalk::storage::sqlite {

namespace {

// What an SQLite result code means for the caller (base/status.hpp). A database that is busy,
// full, read-only or failing I/O may serve again later (the operator frees disk space, the lock
// goes): transient. Corruption stays: permanent. A constraint is the caller's conflict.
StatusCode statusOf(int code) {
  switch (code & 0xff) {  // the primary code of an extended one
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return StatusCode::Unavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::DataLoss;
    case SQLITE_CONSTRAINT:
      return StatusCode::AlreadyExists;
    default:
      return StatusCode::Internal;
  }
}

Status backendError(sqlite3* connection, std::string_view what) {
  std::string message = "sqlite: ";
  message += what;
  message += ": ";
  if (connection == nullptr) {
    message += "out of memory";
    return Status{StatusCode::Unavailable, std::move(message)};
  }
  message += sqlite3_errmsg(connection);
  return Status{statusOf(sqlite3_extended_errcode(connection)), std::move(message)};
}

}  // namespace

void Statement::Finalizer::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

Statement::Statement(sqlite3* connection, sqlite3_stmt* statement)
    : connection_(connection), statement_(statement) {}

void Statement::recordBindResult(int code, int index) {
  if (code != SQLITE_OK && bindError_.empty()) {
    bindError_ = "sqlite: bind parameter " + std::to_string(index) + ": " + sqlite3_errstr(code);
  }
}

void Statement::bindInt64(int index, std::int64_t value) {
  recordBindResult(sqlite3_bind_int64(statement_.get(), index, value), index);
}

void Statement::bindText(int index, std::string_view value) {
  recordBindResult(sqlite3_bind_text64(statement_.get(), index, value.data(), value.size(),
                                       SQLITE_TRANSIENT, SQLITE_UTF8),
                   index);
}

void Statement::bindBlob(int index, std::string_view value) {
  // sqlite3_bind_blob with a null pointer binds NULL, and an empty string_view may have one.
  if (value.empty()) {
    recordBindResult(sqlite3_bind_zeroblob(statement_.get(), index, 0), index);
    return;
  }
  recordBindResult(
      sqlite3_bind_blob64(statement_.get(), index, value.data(), value.size(), SQLITE_TRANSIENT),
      index);
}

void Statement::bindNull(int index) {
  recordBindResult(sqlite3_bind_null(statement_.get(), index), index);
}

Result<bool> Statement::step() {
  if (!bindError_.empty()) return failure(StatusCode::Internal, bindError_);
  switch (sqlite3_step(statement_.get())) {
    case SQLITE_ROW:
      return true;
    case SQLITE_DONE:
      return false;
    default:
      return tl::unexpected(backendError(connection_, sqlite3_sql(statement_.get())));
  }
}

Result<void> Statement::run() {
  auto row = step();
  if (!row) return tl::unexpected(row.error());
  if (*row) return failure(StatusCode::Internal, "sqlite: statement unexpectedly returned rows");
  return {};
}

void Statement::reset() {
  sqlite3_reset(statement_.get());
}

int Statement::columnCount() const {
  return sqlite3_column_count(statement_.get());
}

std::string Statement::columnName(int index) const {
  const char* name = sqlite3_column_name(statement_.get(), index);
  return name == nullptr ? std::string() : std::string(name);
}

Statement::ColumnType Statement::columnType(int index) const {
  switch (sqlite3_column_type(statement_.get(), index)) {
    case SQLITE_INTEGER:
      return ColumnType::Integer;
    case SQLITE_FLOAT:
      return ColumnType::Real;
    case SQLITE_TEXT:
      return ColumnType::Text;
    case SQLITE_BLOB:
      return ColumnType::Blob;
    default:
      return ColumnType::Null;
  }
}

std::int64_t Statement::columnInt64(int index) const {
  return sqlite3_column_int64(statement_.get(), index);
}

std::string Statement::columnText(int index) const {
  // sqlite3_column_bytes must be called after sqlite3_column_text (sqlite.org/c3ref/column_blob).
  const unsigned char* text = sqlite3_column_text(statement_.get(), index);
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement_.get(), index));
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), size);
}

std::string Statement::columnBlob(int index) const {
  const void* blob = sqlite3_column_blob(statement_.get(), index);
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement_.get(), index));
  if (blob == nullptr) return {};  // NULL or a zero-length BLOB
  return std::string(static_cast<const char*>(blob), size);
}

void Database::Closer::operator()(sqlite3* connection) const {
  // close_v2 defers the close until outstanding statements are finalized instead of failing.
  sqlite3_close_v2(connection);
}

Result<Database> Database::open(const std::string& path) {
  sqlite3* raw = nullptr;
  // NOMUTEX: callers serialize access to a connection themselves (GuardedDatabase), so SQLite's
  // own per-connection mutex would only cost time.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int code = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database database(raw);  // owns the handle even when opening failed
  if (code != SQLITE_OK) return tl::unexpected(backendError(raw, "cannot open " + path));
  return database;
}

Result<void> Database::lastError(std::string_view what) const {
  return tl::unexpected(backendError(connection_.get(), what));
}

Result<void> Database::copyInto(Database& target) {
  sqlite3_backup* backup =
      sqlite3_backup_init(target.connection_.get(), "main", connection_.get(), "main");
  if (backup == nullptr) return target.lastError("cannot start the backup");
  // -1: every page in one step. Copying in smaller steps would let the server's writes restart
  // the copy over and over; one step reads a single snapshot instead.
  const int stepped = sqlite3_backup_step(backup, -1);
  // finish releases the backup's locks, and sets the target's error for a failed step.
  sqlite3_backup_finish(backup);
  if (stepped != SQLITE_DONE) return target.lastError("backup");
  return {};
}

Result<void> Database::execute(std::string_view sql) {
  const std::string terminated(sql);  // sqlite3_exec wants a NUL-terminated string
  if (sqlite3_exec(connection_.get(), terminated.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return lastError(terminated);
  }
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int code =
      sqlite3_prepare_v2(connection_.get(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  Statement statement(connection_.get(), raw);
  if (code != SQLITE_OK) return tl::unexpected(backendError(connection_.get(), sql));
  if (raw == nullptr) return failure(StatusCode::Internal, "sqlite: empty statement");
  const std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return failure(StatusCode::Internal, "sqlite: more than one statement in prepare()");
  }
  return statement;
}

std::int64_t Database::changes() const {
  return sqlite3_changes64(connection_.get());
}

Result<Transaction> Transaction::begin(Database& database) {
  if (auto begun = database.execute("BEGIN IMMEDIATE"); !begun) {
    return tl::unexpected(begun.error());
  }
  return Transaction(database);
}

Transaction::Transaction(Transaction&& other) noexcept
    : database_(std::exchange(other.database_, nullptr)) {}

Transaction::~Transaction() {
  // Nothing to report a failed rollback to; SQLite rolls back on its own when the connection
  // closes or the process dies, because the transaction never committed.
  if (database_ != nullptr) (void)database_->execute("ROLLBACK");
}

Result<void> Transaction::commit() {
  auto committed = database_->execute("COMMIT");
  if (committed) database_ = nullptr;  // on failure the destructor rolls back
  return committed;
}

}  // namespace kontalk::storage::sqlite
