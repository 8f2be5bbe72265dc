#include "storage/postgresql/connection.hpp"

#include <libpq-fe.h>

#include <arpa/inet.h>

#include <string>
#include <unordered_map>

namespace kontalk::storage::postgresql {

namespace {

// Type OIDs of the parameters we send (src/include/catalog/pg_type.dat).
constexpr unsigned int kBoolOid = 16;
constexpr unsigned int kByteaOid = 17;
constexpr unsigned int kInt8Oid = 20;
constexpr unsigned int kInt2Oid = 21;
constexpr unsigned int kInt4Oid = 23;
constexpr unsigned int kTextOid = 25;

constexpr int kBinary = 1;

// The SQLSTATEs (https://www.postgresql.org/docs/15/errcodes-appendix.html) that say "try
// again later" rather than "this request is wrong".
bool isTransient(std::string_view state) {
  return state.starts_with("08") ||  // connection exception
         state == "57P01" || state == "57P02" ||
         state == "57P03" ||                      // shutdown, cannot connect now
         state == "40001" || state == "40P01" ||  // serialization failure, deadlock
         state.starts_with("53");                 // insufficient resources
}

StatusCode codeFor(std::string_view state) {
  if (isTransient(state)) return StatusCode::Unavailable;
  if (state == "23505") return StatusCode::AlreadyExists;
  if (state == "23503") return StatusCode::NotFound;
  return StatusCode::Internal;
}

// libpq's messages end with a newline; the log adds its own.
std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// The failure of a statement: by its SQLSTATE, or Unavailable when the connection is gone and
// the server could not say anything.
tl::unexpected<Status> statementFailure(pg_conn* connection, const pg_result* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string message =
      trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection));
  if (state == nullptr) {
    const bool lost = PQstatus(connection) != CONNECTION_OK;
    return failure(
        lost ? StatusCode::Unavailable : StatusCode::Internal,
        "postgresql: " + (message.empty() ? std::string(PQerrorMessage(connection)) : message));
  }
  return failure(codeFor(state), "postgresql: " + std::string(state) + ": " + message);
}

bool succeeded(const pg_result* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

std::int64_t readBigEndian(const char* bytes, int length) {
  std::uint64_t value = 0;
  for (int i = 0; i < length; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  // Sign-extend a shorter integer.
  const int unused = 64 - 8 * length;
  if (unused > 0) {
    return static_cast<std::int64_t>(value << unused) >> unused;
  }
  return static_cast<std::int64_t>(value);
}

// PostgreSQL's notices ("relation already exists, skipping") would go to stderr by default;
// they are dropped, except that libpq also hands over this way the FATAL error a server sends
// to an idle session before it closes it, which marks the connection as ending.
void receiveNotice(void* ending, const pg_result* notice) {
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity != nullptr &&
      (std::string_view(severity) == "FATAL" || std::string_view(severity) == "PANIC")) {
    *static_cast<bool*>(ending) = true;
  }
}

}  // namespace

Parameters& Parameters::text(std::string_view value) {
  values_.push_back(Value{std::string(value), kTextOid, false, true});
  return *this;
}

Parameters& Parameters::int64(std::int64_t value) {
  std::string bytes(8, '\0');
  auto bits = static_cast<std::uint64_t>(value);
  for (int i = 7; i >= 0; --i) {
    bytes[static_cast<std::size_t>(i)] = static_cast<char>(bits & 0xff);
    bits >>= 8;
  }
  values_.push_back(Value{std::move(bytes), kInt8Oid, false, true});
  return *this;
}

Parameters& Parameters::bytea(std::string_view value) {
  values_.push_back(Value{std::string(value), kByteaOid, false, true});
  return *this;
}

Parameters& Parameters::null() {
  values_.push_back(Value{{}, 0, true, false});
  return *this;
}

void Rows::Clear::operator()(pg_result* result) const {
  PQclear(result);
}

int Rows::count() const {
  return PQntuples(result_.get());
}

bool Rows::isNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::int64_t Rows::int64(int row, int column) const {
  const char* bytes = PQgetvalue(result_.get(), row, column);
  const int length = PQgetlength(result_.get(), row, column);
  switch (PQftype(result_.get(), column)) {
    case kInt8Oid:
    case kInt4Oid:
    case kInt2Oid:
    case kBoolOid:
      return length > 0 && length <= 8 ? readBigEndian(bytes, length) : 0;
    default:
      return 0;  // not an integer column: a bug of the query, NULL reads as 0 too
  }
}

std::string Rows::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::string Rows::bytea(int row, int column) const {
  // In binary format a bytea value is its raw bytes.
  return text(row, column);
}

std::int64_t Rows::affected() const {
  const char* tuples = PQcmdTuples(result_.get());
  return tuples != nullptr && *tuples != '\0' ? std::stoll(tuples) : 0;
}

struct Connection::State {
  // Statement names by SQL text and parameter types: the types are fixed when a statement is
  // prepared, so a NULL (type left to the server) and a value at the same place are two entries.
  std::unordered_map<std::string, std::string> names;
  // The server said it is ending this session (a FATAL error that arrived while idle, such as
  // 57P01 from pg_terminate_backend or a shutdown), possibly before the socket is closed.
  bool ending = false;
};

void Connection::Close::operator()(pg_conn* connection) const {
  PQfinish(connection);
}

Connection::Connection(pg_conn* connection)
    : connection_(connection), state_(std::make_unique<State>()) {
  PQsetNoticeReceiver(connection, receiveNotice, &state_->ending);
}

Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Result<Connection> Connection::open(const std::string& url) {
  char* parseError = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &parseError);
  if (parsed == nullptr) {
    std::string message = trimmed(parseError != nullptr ? parseError : "out of memory");
    PQfreemem(parseError);
    return failure(StatusCode::InvalidArgument, "postgresql: bad connection URL: " + message);
  }
  PQconninfoFree(parsed);
  // Keywords are applied in order and the expanded URL comes last, so these are defaults the
  // URL may override (https://www.postgresql.org/docs/15/libpq-connect.html).
  const char* keywords[] = {"connect_timeout", "client_encoding", "dbname", nullptr};
  const char* values[] = {"5", "UTF8", url.c_str(), nullptr};
  pg_conn* connection = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (connection == nullptr) return failure(StatusCode::Unavailable, "postgresql: out of memory");
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string message = trimmed(PQerrorMessage(connection));
    PQfinish(connection);
    return failure(StatusCode::Unavailable, "postgresql: cannot connect: " + message);
  }
  return Connection(connection);
}

Result<void> Connection::execute(std::string_view sql) {
  auto status = executeForStatus(sql);
  if (!status) return tl::unexpected(status.error());
  return {};
}

Result<std::string> Connection::executeForStatus(std::string_view sql) {
  const std::string text(sql);
  Rows result(PQexec(connection_.get(), text.c_str()));
  if (!result.result_ || !succeeded(result.result_.get())) {
    return statementFailure(connection_.get(), result.result_.get());
  }
  return std::string(PQcmdStatus(result.result_.get()));
}

Result<Rows> Connection::query(std::string_view sql, const Parameters& parameters) {
  const auto& values = parameters.values_;
  std::vector<unsigned int> types;
  std::vector<const char*> data;
  std::vector<int> lengths;
  std::vector<int> formats;
  std::string key(sql);
  for (const auto& value : values) {
    types.push_back(value.type);
    data.push_back(value.isNull ? nullptr : value.bytes.data());
    lengths.push_back(static_cast<int>(value.bytes.size()));
    formats.push_back(value.binary ? kBinary : 0);
    key += '\0';
    key += std::to_string(value.type);
  }
  const int count = static_cast<int>(values.size());

  auto& names = state_->names;
  auto found = names.find(key);
  if (found == names.end()) {
    std::string name = "k" + std::to_string(names.size() + 1);
    const std::string text(sql);
    Rows prepared(PQprepare(connection_.get(), name.c_str(), text.c_str(), count, types.data()));
    if (!prepared.result_ || !succeeded(prepared.result_.get())) {
      return statementFailure(connection_.get(), prepared.result_.get());
    }
    found = names.emplace(std::move(key), std::move(name)).first;
  }
  Rows result(PQexecPrepared(connection_.get(), found->second.c_str(), count, data.data(),
                             lengths.data(), formats.data(), kBinary));
  if (!result.result_ || !succeeded(result.result_.get())) {
    return statementFailure(connection_.get(), result.result_.get());
  }
  return result;
}

bool Connection::broken() const {
  return !connection_ || PQstatus(connection_.get()) != CONNECTION_OK;
}

bool Connection::usable() {
  if (broken()) return false;
  // The socket is non-blocking: this reads only what already arrived. A terminated backend
  // sends a FATAL error (handed to the notice receiver, as it arrives while idle) and then
  // closes the socket, which the read sees if it came as far.
  if (PQconsumeInput(connection_.get()) == 0) return false;
  (void)PQisBusy(connection_.get());  // parses what arrived
  return !state_->ending && !broken();
}

Result<Transaction> Transaction::begin(Connection& connection) {
  if (auto begun = connection.execute("BEGIN"); !begun) return tl::unexpected(begun.error());
  return Transaction(connection);
}

Transaction::Transaction(Transaction&& other) noexcept : connection_(other.connection_) {
  other.connection_ = nullptr;
}

Transaction::~Transaction() {
  if (connection_ != nullptr) (void)connection_->execute("ROLLBACK");
}

Result<void> Transaction::commit() {
  Connection* connection = connection_;
  connection_ = nullptr;
  // COMMIT of a transaction that failed earlier succeeds as a ROLLBACK; that must not read as a
  // commit.
  auto status = connection->executeForStatus("COMMIT");
  if (!status) return tl::unexpected(status.error());
  if (*status != "COMMIT") {
    return failure(StatusCode::Internal, "postgresql: the transaction was rolled back");
  }
  return {};
}

}  // namespace kontalk::storage::postgresql
