#include "storage/account_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "migrated_storage.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/storage.hpp"

namespace kontalk::storage {
namespace {

// Credentials with binary fields: every field contains NUL and high bytes, and `seed` makes
// the values of different calls differ.
ScramCredentials credentials(ScramHash hash, char seed) {
  const std::size_t keySize = hash == ScramHash::Sha1 ? 20 : 32;
  ScramCredentials result;
  result.hash = hash;
  result.salt = std::string("\0salt\0", 6) + seed + '\xff';
  result.iterations = 4096 + static_cast<std::uint32_t>(seed);
  result.storedKey = std::string(keySize, seed);
  result.storedKey[3] = '\0';
  result.serverKey = std::string(keySize, '\x80');
  result.serverKey[0] = '\0';
  result.serverKey[1] = seed;
  return result;
}

void expectSameCredentials(const std::optional<ScramCredentials>& actual,
                           const std::optional<ScramCredentials>& expected) {
  ASSERT_EQ(actual.has_value(), expected.has_value());
  if (!expected) return;
  EXPECT_EQ(actual->hash, expected->hash);
  EXPECT_EQ(actual->salt, expected->salt);
  EXPECT_EQ(actual->iterations, expected->iterations);
  EXPECT_EQ(actual->storedKey, expected->storedKey);
  EXPECT_EQ(actual->serverKey, expected->serverKey);
}

Account account(std::string username, std::string domain = "example.org") {
  Account result;
  result.username = std::move(username);
  result.domain = std::move(domain);
  result.createdAt = 1700000000;
  return result;
}

class AccountStoreTest : public testing::MigratedStorageTest {
 protected:
  AccountStore& accounts() { return storage().accounts(); }

  // Another connection to the test's database, for what the stores cannot do: PostgreSQL's when
  // the fixture runs on it.
  std::optional<postgresql::Connection> postgres() {
    auto connection = postgresql::Connection::open(config().url);
    EXPECT_TRUE(connection) << connection.error().message;
    if (!connection) return std::nullopt;
    return std::move(*connection);
  }

  std::int64_t credentialRows() {
    if (onPostgres()) {
      auto connection = postgres();
      if (!connection) return -1;
      auto count = connection->query("SELECT count(*) FROM account_credentials");
      EXPECT_TRUE(count);
      return count ? count->int64(0, 0) : -1;
    }
    auto database = sqlite::Database::open(config().path);
    EXPECT_TRUE(database);
    auto count = database->prepare("SELECT COUNT(*) FROM account_credentials");
    EXPECT_TRUE(count);
    EXPECT_TRUE(count->step().value_or(false));
    return count->columnInt64(0);
  }
};

TEST_F(AccountStoreTest, CreateThenFindRoundTripsBothHashes) {
  Account alice = account("alice");
  alice.scramSha1 = credentials(ScramHash::Sha1, 'a');
  alice.scramSha256 = credentials(ScramHash::Sha256, 'b');
  ASSERT_TRUE(accounts().create(alice));

  auto found = accounts().find("alice", "example.org");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  const Account& stored = **found;
  EXPECT_EQ(stored.username, "alice");
  EXPECT_EQ(stored.domain, "example.org");
  EXPECT_EQ(stored.createdAt, 1700000000);
  expectSameCredentials(stored.scramSha1, alice.scramSha1);
  expectSameCredentials(stored.scramSha256, alice.scramSha256);
}

TEST_F(AccountStoreTest, AccountWithoutCredentials) {
  Account bob = account("bob");
  bob.createdAt = 0;
  ASSERT_TRUE(accounts().create(bob));
  auto found = accounts().find("bob", "example.org");
  ASSERT_TRUE(found && *found);
  EXPECT_FALSE((*found)->scramSha1);
  EXPECT_FALSE((*found)->scramSha256);
  EXPECT_GT((*found)->createdAt, 0);  // 0 means "now"
}

TEST_F(AccountStoreTest, FindMissesOtherUsersAndDomains) {
  ASSERT_TRUE(accounts().create(account("alice")));
  EXPECT_FALSE(accounts().find("alice", "example.com").value());
  EXPECT_FALSE(accounts().find("alicia", "example.org").value());
}

TEST_F(AccountStoreTest, CreatingAnExistingAccountIsAConflict) {
  Account first = account("alice");
  first.scramSha256 = credentials(ScramHash::Sha256, 'a');
  ASSERT_TRUE(accounts().create(first));
  Account second = account("alice");
  second.scramSha256 = credentials(ScramHash::Sha256, 'z');
  auto created = accounts().create(second);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, StatusCode::AlreadyExists);
  expectSameCredentials(accounts().find("alice", "example.org").value()->scramSha256,
                        first.scramSha256);
  // The same username in another domain is another account.
  EXPECT_TRUE(accounts().create(account("alice", "example.com")));
}

TEST_F(AccountStoreTest, CredentialsInTheWrongSlotAreRefusedWithoutAnAccount) {
  Account mixed = account("alice");
  mixed.scramSha1 = credentials(ScramHash::Sha256, 'a');
  auto created = accounts().create(mixed);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, StatusCode::InvalidArgument);
  EXPECT_FALSE(accounts().find("alice", "example.org").value());
}

TEST_F(AccountStoreTest, SetCredentialsReplacesAllOfThem) {
  Account alice = account("alice");
  alice.scramSha1 = credentials(ScramHash::Sha1, 'a');
  alice.scramSha256 = credentials(ScramHash::Sha256, 'b');
  ASSERT_TRUE(accounts().create(alice));

  Account update = account("alice");
  update.scramSha256 = credentials(ScramHash::Sha256, 'c');
  ASSERT_TRUE(accounts().setCredentials(update));
  auto found = accounts().find("alice", "example.org");
  ASSERT_TRUE(found && *found);
  expectSameCredentials((*found)->scramSha1, std::nullopt);
  expectSameCredentials((*found)->scramSha256, update.scramSha256);
  EXPECT_EQ(credentialRows(), 1);
}

TEST_F(AccountStoreTest, SetCredentialsOfAMissingAccountIsNotFound) {
  Account ghost = account("ghost");
  ghost.scramSha256 = credentials(ScramHash::Sha256, 'g');
  auto updated = accounts().setCredentials(ghost);
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().code, StatusCode::NotFound);
  EXPECT_EQ(credentialRows(), 0);
}

TEST_F(AccountStoreTest, RemoveTakesTheCredentialsAlong) {
  Account alice = account("alice");
  alice.scramSha1 = credentials(ScramHash::Sha1, 'a');
  alice.scramSha256 = credentials(ScramHash::Sha256, 'b');
  ASSERT_TRUE(accounts().create(alice));
  ASSERT_TRUE(accounts().create(account("bob")));
  ASSERT_EQ(credentialRows(), 2);

  ASSERT_TRUE(accounts().remove("alice", "example.org"));
  EXPECT_FALSE(accounts().find("alice", "example.org").value());
  EXPECT_EQ(credentialRows(), 0);
  EXPECT_TRUE(accounts().find("bob", "example.org").value());
  // A new account of the same name starts without the old credentials.
  ASSERT_TRUE(accounts().create(account("alice")));
  EXPECT_FALSE(accounts().find("alice", "example.org").value()->scramSha256);
}

// An account that owns something in several stores: credentials, a current key, a roster item,
// a vCard.
void createOwningAccount(Storage& storage, const std::string& username, const StoredKey& key) {
  Account owner = account(username);
  owner.scramSha256 = credentials(ScramHash::Sha256, 'o');
  ASSERT_TRUE(storage.accounts().create(owner));
  ASSERT_TRUE(storage.keys().setCurrentKey(username, "example.org", key));
  RosterItem friendItem;
  friendItem.contact = "friend@example.org";
  ASSERT_TRUE(storage.rosters().putItem(username, "example.org", friendItem));
  ASSERT_TRUE(storage.vcards().save(username, "example.org", "<vCard xmlns='vcard-temp'/>"));
}

// The fingerprint of the account's current key; "" when it has none.
std::string currentFingerprint(Storage& storage, const std::string& username) {
  auto current = storage.keys().currentKey(username, "example.org");
  return current && *current ? (*current)->fingerprint : std::string();
}

TEST_F(AccountStoreTest, ReplaceCreatesAnAccountWithItsKey) {
  const StoredKey key{"AAAA000000000000000000000000000000000001", "certified", 1700000000};
  ASSERT_TRUE(accounts().replace(account("alice"), key));
  EXPECT_TRUE(accounts().find("alice", "example.org").value());
  const auto current = storage().keys().currentKey("alice", "example.org").value();
  ASSERT_TRUE(current);
  EXPECT_EQ(current->fingerprint, key.fingerprint);
  EXPECT_EQ(current->keyBinary, "certified");
}

TEST_F(AccountStoreTest, ReplaceRemovesEverythingTheOldAccountOwned) {
  const StoredKey oldKey{"AAAA000000000000000000000000000000000001", "old", 1700000000};
  createOwningAccount(storage(), "alice", oldKey);
  ASSERT_TRUE(accounts().create(account("bob")));
  const StoredKey newKey{"BBBB000000000000000000000000000000000002", "new", 1700000001};

  ASSERT_TRUE(accounts().replace(account("alice"), newKey));
  const auto alice = accounts().find("alice", "example.org").value();
  ASSERT_TRUE(alice);
  EXPECT_FALSE(alice->scramSha256);
  EXPECT_EQ(currentFingerprint(storage(), "alice"), newKey.fingerprint);
  EXPECT_TRUE(storage().rosters().items("alice", "example.org").value().empty());
  EXPECT_FALSE(storage().vcards().find("alice", "example.org").value());
  EXPECT_TRUE(accounts().find("bob", "example.org").value());
  // The old key stays in the keyring by fingerprint (key rollover checks need it).
  EXPECT_TRUE(storage().keys().keyByFingerprint(oldKey.fingerprint).value());
}

TEST_F(AccountStoreTest, FailedReplaceLeavesTheOldAccountIntact) {
  const StoredKey oldKey{"AAAA000000000000000000000000000000000001", "old", 1700000000};
  createOwningAccount(storage(), "alice", oldKey);
  // A failure after the old account was deleted and the new one inserted: the key row.
  if (onPostgres()) {
    auto connection = postgres();
    ASSERT_TRUE(connection);
    ASSERT_TRUE(
        connection->execute("CREATE FUNCTION fail_key() RETURNS trigger LANGUAGE plpgsql AS "
                            "$$BEGIN RAISE EXCEPTION 'injected failure'; END$$;"
                            "CREATE TRIGGER fail_key BEFORE INSERT ON account_keys "
                            "FOR EACH ROW EXECUTE FUNCTION fail_key()"));
  } else {
    auto database = sqlite::Database::open(config().path);
    ASSERT_TRUE(database);
    ASSERT_TRUE(
        database->execute("CREATE TRIGGER fail_key BEFORE INSERT ON account_keys "
                          "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"));
  }
  const StoredKey newKey{"BBBB000000000000000000000000000000000002", "new", 1700000001};
  Account replacement = account("alice");
  replacement.createdAt = 1800000000;

  auto replaced = accounts().replace(replacement, newKey);
  ASSERT_FALSE(replaced);
  EXPECT_NE(replaced.error().message.find("injected failure"), std::string::npos)
      << replaced.error().message;

  // What a restart finds: the old account with everything it owned.
  ASSERT_TRUE(reopen());
  const auto alice = accounts().find("alice", "example.org").value();
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->createdAt, 1700000000);
  EXPECT_TRUE(alice->scramSha256);
  EXPECT_EQ(currentFingerprint(storage(), "alice"), oldKey.fingerprint);
  EXPECT_EQ(storage().rosters().items("alice", "example.org").value().size(), 1u);
  EXPECT_TRUE(storage().vcards().find("alice", "example.org").value());
  EXPECT_FALSE(storage().keys().keyByFingerprint(newKey.fingerprint).value());
}

TEST_F(AccountStoreTest, RemovingAMissingAccountIsNotFound) {
  auto removed = accounts().remove("ghost", "example.org");
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code, StatusCode::NotFound);
}

TEST_F(AccountStoreTest, ListIsSortedAndPerDomain) {
  for (const char* name : {"carol", "alice", "bob"}) {
    ASSERT_TRUE(accounts().create(account(name)));
  }
  ASSERT_TRUE(accounts().create(account("dave", "example.com")));
  EXPECT_EQ(accounts().list("example.org").value(),
            (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_EQ(accounts().list("example.com").value(), std::vector<std::string>{"dave"});
  EXPECT_TRUE(accounts().list("example.net").value().empty());
}

TEST_F(AccountStoreTest, ConcurrentCreatesAllLand) {
  constexpr int kThreads = 8;
  constexpr int kAccountsPerThread = 25;
  std::vector<int> failures(kThreads, 0);
  std::vector<int> conflicts(kThreads, 0);
  {
    std::vector<std::jthread> threads;
    for (int thread = 0; thread < kThreads; ++thread) {
      threads.emplace_back([&, thread] {
        for (int i = 0; i < kAccountsPerThread; ++i) {
          Account user = account("user" + std::to_string(thread) + "-" + std::to_string(i));
          user.scramSha256 = credentials(ScramHash::Sha256, static_cast<char>('a' + thread));
          if (!accounts().create(user)) ++failures[static_cast<std::size_t>(thread)];
          // Every thread also races for one shared name: exactly one may win.
          auto shared = accounts().create(account("shared" + std::to_string(i)));
          if (!shared && shared.error().code == StatusCode::AlreadyExists) {
            ++conflicts[static_cast<std::size_t>(thread)];
          }
        }
      });
    }
  }
  int totalConflicts = 0;
  for (int thread = 0; thread < kThreads; ++thread) {
    EXPECT_EQ(failures[static_cast<std::size_t>(thread)], 0);
    totalConflicts += conflicts[static_cast<std::size_t>(thread)];
  }
  EXPECT_EQ(totalConflicts, (kThreads - 1) * kAccountsPerThread);
  EXPECT_EQ(accounts().list("example.org").value().size(),
            static_cast<std::size_t>(kThreads * kAccountsPerThread + kAccountsPerThread));
  EXPECT_EQ(credentialRows(), kThreads * kAccountsPerThread);
}

// Issue 11 item 3: a login's look-up must not wait while the writer waits for the disk. Another
// connection holds SQLite's write lock (as a long fsync would; on PostgreSQL a table lock that
// blocks writes, not reads), a create blocks behind it holding the server's writer connection
// (on PostgreSQL one of the pool's), and a find must still answer before the create does.
TEST_F(AccountStoreTest, FindDoesNotWaitBehindAStuckWriter) {
  Account alice = account("alice");
  alice.scramSha256 = credentials(ScramHash::Sha256, 'a');
  ASSERT_TRUE(accounts().create(alice));
  std::optional<sqlite::Database> other;
  std::optional<postgresql::Connection> otherPostgres;
  if (onPostgres()) {
    otherPostgres = postgres();
    ASSERT_TRUE(otherPostgres);
    ASSERT_TRUE(otherPostgres->execute("BEGIN; LOCK TABLE accounts IN EXCLUSIVE MODE"));
  } else {
    auto opened = sqlite::Database::open(config().path);
    ASSERT_TRUE(opened);
    other.emplace(std::move(*opened));
    ASSERT_TRUE(other->execute("BEGIN IMMEDIATE"));  // the write lock, held until COMMIT
  }
  std::atomic<bool> createReturned = false;
  std::jthread writer([&] {
    (void)accounts().create(account("bob"));  // waits for the lock (busy_timeout)
    createReturned = true;
  });
  // Give the writer time to take the connection and start waiting; if it has not yet, the
  // find below passes for the wrong reason but cannot fail spuriously.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto found = accounts().find("alice", "example.org");
  EXPECT_FALSE(createReturned.load()) << "the find waited for the blocked writer";
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  expectSameCredentials((*found)->scramSha256, alice.scramSha256);
  ASSERT_TRUE(onPostgres() ? otherPostgres->execute("COMMIT") : other->execute("COMMIT"));
  writer.join();
  // And what the writer then commits, the reader sees at once.
  auto bob = accounts().find("bob", "example.org");
  ASSERT_TRUE(bob);
  EXPECT_TRUE(bob->has_value());
}

}  // namespace
}  // namespace kontalk::storage
