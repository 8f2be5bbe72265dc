#include "storage/postgresql/connection.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "postgres_test_database.hpp"
#include "storage/postgresql/connection_pool.hpp"

// The libpq layer against a real server (scripts/with-postgres); skipped without one.
namespace kontalk::storage::postgresql {
namespace {

class PostgresConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = testing::postgresTestUrl();
    if (!url) GTEST_SKIP() << "KONTALK_TEST_POSTGRES_URL is not set (scripts/with-postgres)";
    auto database = testing::PostgresTestDatabase::create(*url);
    ASSERT_TRUE(database) << database.error().message;
    database_.emplace(std::move(*database));
    auto connection = Connection::open(database_->url());
    ASSERT_TRUE(connection) << connection.error().message;
    connection_.emplace(std::move(*connection));
  }
  void TearDown() override { connection_.reset(); }

  Connection& connection() { return *connection_; }
  std::string url() const { return database_->url(); }

  std::int64_t backendPid(Connection& connection) {
    auto pid = connection.query("SELECT pg_backend_pid()");
    EXPECT_TRUE(pid) << pid.error().message;
    return pid ? pid->int64(0, 0) : 0;
  }

  std::optional<testing::PostgresTestDatabase> database_;
  std::optional<Connection> connection_;
};

TEST_F(PostgresConnectionTest, ByteaRoundTripsNulAndHighBytes) {
  ASSERT_TRUE(connection().execute("CREATE TABLE blobs (id BIGINT PRIMARY KEY, data BYTEA)"));
  const std::string bytes("\0a\0\xff\x80\x01\0", 7);
  ASSERT_TRUE(connection().query("INSERT INTO blobs (id, data) VALUES ($1, $2)",
                                 Parameters().int64(1).bytea(bytes)));
  auto rows = connection().query("SELECT data, length(data) FROM blobs WHERE id = $1",
                                 Parameters().int64(1));
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->count(), 1);
  EXPECT_EQ(rows->bytea(0, 0), bytes);
  EXPECT_EQ(rows->int64(0, 1), 7);  // an integer (int4) column read as int64
}

TEST_F(PostgresConnectionTest, ReadsIntegersTextAndNull) {
  auto rows = connection().query("SELECT $1::bigint, $2::text, NULL::text, (-5)::smallint",
                                 Parameters().int64(-1234567890123).text("grüße"));
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(rows->int64(0, 0), -1234567890123);
  EXPECT_EQ(rows->text(0, 1), "grüße");
  EXPECT_TRUE(rows->isNull(0, 2));
  EXPECT_FALSE(rows->isNull(0, 1));
  EXPECT_EQ(rows->int64(0, 3), -5);
}

TEST_F(PostgresConnectionTest, ANullAndAValueAtOnePlaceAreBothAccepted) {
  // The statement is prepared again for the other parameter types, not reused wrongly.
  ASSERT_TRUE(connection().execute("CREATE TABLE t (a BIGINT)"));
  ASSERT_TRUE(connection().query("INSERT INTO t (a) VALUES ($1)", Parameters().null()));
  ASSERT_TRUE(connection().query("INSERT INTO t (a) VALUES ($1)", Parameters().int64(7)));
  auto rows = connection().query("SELECT count(*), sum(a) FROM t");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->int64(0, 0), 2);
}

TEST_F(PostgresConnectionTest, SqlStatesMapToStatusCodes) {
  ASSERT_TRUE(connection().execute(
      "CREATE TABLE parents (id BIGINT PRIMARY KEY);"
      "CREATE TABLE children (parent BIGINT NOT NULL REFERENCES parents (id))"));
  ASSERT_TRUE(connection().query("INSERT INTO parents (id) VALUES ($1)", Parameters().int64(1)));

  auto duplicate =
      connection().query("INSERT INTO parents (id) VALUES ($1)", Parameters().int64(1));
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, StatusCode::AlreadyExists);
  EXPECT_NE(duplicate.error().message.find("23505"), std::string::npos)
      << duplicate.error().message;

  auto orphan =
      connection().query("INSERT INTO children (parent) VALUES ($1)", Parameters().int64(2));
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, StatusCode::NotFound);

  auto wrong = connection().query("SELECT no_such_column FROM parents");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, StatusCode::Internal);
  EXPECT_FALSE(wrong.error().isTransient());

  // The connection is still good after failures.
  EXPECT_TRUE(connection().query("SELECT 1"));
  EXPECT_FALSE(connection().broken());
}

TEST_F(PostgresConnectionTest, UnreachableServerIsUnavailableAndBadUrlInvalid) {
  // Port 1 on loopback refuses at once.
  auto refused = Connection::open("postgresql://kontalk@127.0.0.1:1/postgres");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, StatusCode::Unavailable);
  auto malformed = Connection::open("postgresql://kontalk@127.0.0.1:5432/db?no_such_option=1");
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, StatusCode::InvalidArgument);
}

TEST_F(PostgresConnectionTest, TransactionRollsBackUnlessCommitted) {
  ASSERT_TRUE(connection().execute("CREATE TABLE t (a BIGINT PRIMARY KEY)"));
  {
    auto transaction = Transaction::begin(connection());
    ASSERT_TRUE(transaction);
    ASSERT_TRUE(connection().query("INSERT INTO t (a) VALUES ($1)", Parameters().int64(1)));
  }  // destroyed uncommitted
  {
    auto transaction = Transaction::begin(connection());
    ASSERT_TRUE(transaction);
    ASSERT_TRUE(connection().query("INSERT INTO t (a) VALUES ($1)", Parameters().int64(2)));
    ASSERT_TRUE(transaction->commit());
  }
  {
    // A statement failed inside: COMMIT would be a ROLLBACK, and must not read as success.
    auto transaction = Transaction::begin(connection());
    ASSERT_TRUE(transaction);
    ASSERT_TRUE(connection().query("INSERT INTO t (a) VALUES ($1)", Parameters().int64(3)));
    EXPECT_FALSE(connection().query("INSERT INTO t (a) VALUES ($1)", Parameters().int64(2)));
    EXPECT_FALSE(transaction->commit());
  }
  auto rows = connection().query("SELECT a FROM t ORDER BY a");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->count(), 1);
  EXPECT_EQ(rows->int64(0, 0), 2);
}

TEST_F(PostgresConnectionTest, FullPoolIsUnavailableAfterTheTimeout) {
  ConnectionPool pool(url(), 1, std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  auto outer = pool.withConnection([&](Connection&) -> Result<void> {
    // The only connection is lent: a second borrower waits, then gives up.
    auto inner = pool.withConnection([](Connection&) -> Result<void> { return {}; });
    if (inner) return failure(StatusCode::Internal, "a second connection was lent");
    return tl::unexpected(inner.error());
  });
  ASSERT_FALSE(outer);
  EXPECT_EQ(outer.error().code, StatusCode::Unavailable) << outer.error().message;
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
  // Returned, it is lent again.
  EXPECT_TRUE(pool.withConnection([](Connection& c) { return c.execute("SELECT 1"); }));
}

TEST_F(PostgresConnectionTest, PoolWaiterGetsAConnectionFreedInTime) {
  ConnectionPool pool(url(), 1, std::chrono::milliseconds(5000));
  std::atomic<bool> holding = false;
  std::jthread holder([&] {
    (void)pool.withConnection([&](Connection& c) {
      holding = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      return c.execute("SELECT 1");
    });
  });
  while (!holding) std::this_thread::yield();
  auto waited = pool.withConnection([](Connection& c) { return c.execute("SELECT 1"); });
  EXPECT_TRUE(waited) << waited.error().message;
}

TEST_F(PostgresConnectionTest, TerminatedConnectionIsReplaced) {
  ConnectionPool pool(url(), 1, std::chrono::milliseconds(2000));
  auto first =
      pool.withConnection([&](Connection& c) -> Result<std::int64_t> { return backendPid(c); });
  ASSERT_TRUE(first && *first != 0);
  // As an administrator or a restarted server would: the backend behind the idle pooled
  // connection goes away.
  auto killed =
      connection().query("SELECT pg_terminate_backend($1::integer)", Parameters().int64(*first));
  ASSERT_TRUE(killed) << killed.error().message;
  for (int attempt = 0; attempt < 200; ++attempt) {
    auto alive = connection().query("SELECT 1 FROM pg_stat_activity WHERE pid = $1::integer",
                                    Parameters().int64(*first));
    ASSERT_TRUE(alive);
    if (alive->count() == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // The next call works, on a new connection.
  auto second = pool.withConnection([&](Connection& c) -> Result<std::int64_t> {
    auto pid = c.query("SELECT pg_backend_pid()");
    if (!pid) return tl::unexpected(pid.error());
    return pid->int64(0, 0);
  });
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_NE(*second, *first);
}

TEST_F(PostgresConnectionTest, ConnectionBrokenWhileLentIsNotReturned) {
  ConnectionPool pool(url(), 1, std::chrono::milliseconds(2000));
  auto broken = pool.withConnection([&](Connection& c) -> Result<void> {
    // The backend ends itself mid-loan: the statement fails as transient.
    auto ended = c.query("SELECT pg_terminate_backend(pg_backend_pid())");
    if (ended) return failure(StatusCode::Internal, "the backend survived");
    EXPECT_EQ(ended.error().code, StatusCode::Unavailable) << ended.error().message;
    EXPECT_TRUE(c.broken());
    return {};
  });
  ASSERT_TRUE(broken) << broken.error().message;
  EXPECT_TRUE(pool.withConnection([](Connection& c) { return c.execute("SELECT 1"); }));
}

}  // namespace
}  // namespace kontalk::storage::postgresql
