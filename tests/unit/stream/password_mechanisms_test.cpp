// PLAIN as a client meets it, with the cross-connection throttle (issue 11 items 4 and 15): the
// server's own storage trouble is <temporary-auth-failure/> and never counts as a guess; a wrong
// password counts; a held-back attempt is refused unchecked, even with the right password.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/worker_pool.hpp"
#include "stream/sasl/scram.hpp"
#include "stream/sasl_mechanism.hpp"

namespace kontalk::stream {
namespace {

constexpr const char* kDomain = "example.org";
constexpr const char* kPassword = "right";

// One account, alice, whose look-up can be made to fail as a broken disk would.
class OneAccountStore final : public storage::AccountStore {
 public:
  OneAccountStore() {
    alice_.username = "alice";
    alice_.domain = kDomain;
    alice_.scramSha256 = sasl::deriveScramCredentials(sasl::ScramHash::Sha256, kPassword, 4096);
    alice_.createdAt = 1;
  }

  std::optional<Status> broken;

  Result<std::optional<storage::Account>> find(const std::string& username,
                                               const std::string& domain) override {
    if (broken) return tl::unexpected(*broken);
    if (username == "alice" && domain == kDomain) return std::optional(alice_);
    return std::optional<storage::Account>();
  }
  Result<void> create(const storage::Account&) override { return unsupported(); }
  Result<void> setCredentials(const storage::Account&) override { return unsupported(); }
  Result<void> remove(const std::string&, const std::string&) override { return unsupported(); }
  Result<void> replace(const storage::Account&, const storage::StoredKey&) override {
    return unsupported();
  }
  Result<std::vector<std::string>> list(const std::string&) override {
    return failure(StatusCode::Unsupported, "not in this test");
  }

 private:
  static Result<void> unsupported() { return failure(StatusCode::Unsupported, "not in this test"); }
  storage::Account alice_;
};

class PasswordMechanismsTest : public ::testing::Test {
 protected:
  PasswordMechanismsTest() {
    PasswordThrottleSettings settings;
    settings.freeFailuresPerAccount = 2;
    settings.freeFailuresPerAddress = 100;
    throttle_.emplace(settings);
  }

  // One PLAIN exchange from `source`, run to its end.
  SaslStep plain(const std::string& username, const std::string& password,
                 const std::string& source = "192.0.2.1") {
    const SaslServices services{accounts_, workers_, kDomain, nullptr, &*throttle_};
    auto mechanism = makeSaslMechanism("PLAIN", services, SaslClient{{}, source});
    std::optional<SaslStep> outcome;
    asio::co_spawn(
        loop_,
        [](SaslMechanism& exchange, std::string message,
           std::optional<SaslStep>& result) -> Awaitable<void> {
          result = co_await exchange.start(std::move(message));
        }(*mechanism, std::string("\0", 1) + username + std::string("\0", 1) + password, outcome),
        asio::detached);
    loop_.restart();
    while (!outcome && loop_.run_one_for(std::chrono::seconds(10)) > 0) {
    }
    EXPECT_TRUE(outcome.has_value()) << "the exchange did not finish";
    return outcome.value_or(SaslStep::failure("none", "none"));
  }

  OneAccountStore accounts_;
  // Declared before the workers so that it outlives them: a worker hands its result back to
  // the loop and lets go of it after the exchange already finished.
  asio::io_context loop_;
  core::WorkerPool workers_{1};
  std::optional<PasswordThrottle> throttle_;
};

TEST_F(PasswordMechanismsTest, TheRightPasswordSucceeds) {
  const auto step = plain("alice", kPassword);
  EXPECT_EQ(step.kind, SaslStep::Kind::Success);
  EXPECT_EQ(step.username, "alice");
}

TEST_F(PasswordMechanismsTest, AStorageFailureIsTemporaryAndCountsAsNoGuess) {
  accounts_.broken = Status{StatusCode::Unavailable, "disk I/O error"};
  for (int i = 0; i < 5; ++i) {
    const auto step = plain("alice", "whatever");
    EXPECT_EQ(step.failureCondition, "temporary-auth-failure");
    EXPECT_FALSE(step.throttled);
  }
  accounts_.broken.reset();
  EXPECT_EQ(plain("alice", kPassword).kind, SaslStep::Kind::Success);
}

TEST_F(PasswordMechanismsTest, WrongPasswordsHoldTheAccountBackEvenFromTheRightOne) {
  EXPECT_EQ(plain("alice", "wrong").failureCondition, "not-authorized");
  EXPECT_EQ(plain("alice", "wrong", "192.0.2.2").failureCondition, "not-authorized");
  const auto refused = plain("alice", kPassword, "192.0.2.3");
  EXPECT_EQ(refused.failureCondition, "temporary-auth-failure");
  EXPECT_TRUE(refused.throttled);
  EXPECT_EQ(refused.failureText, "Too many failed attempts; try again in 1 second.");
  // Another account is not held back.
  EXPECT_EQ(plain("bob", "wrong", "192.0.2.3").failureCondition, "not-authorized");
}

TEST_F(PasswordMechanismsTest, AnUnknownUserCountsAgainstItsName) {
  EXPECT_EQ(plain("nobody", "x").failureCondition, "not-authorized");
  EXPECT_EQ(plain("nobody", "x").failureCondition, "not-authorized");
  EXPECT_TRUE(plain("nobody", "x").throttled);
}

}  // namespace
}  // namespace kontalk::stream
