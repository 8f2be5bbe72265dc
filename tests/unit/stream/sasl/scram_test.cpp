#include "stream/sasl/scram.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "base/encoding.hpp"

namespace kontalk::sasl {
namespace {

using Error = ScramServerExchange::Error;

struct RfcExample {
  ScramHash hash;
  std::string clientFirst;
  std::string serverNonce;
  std::string salt;  // base64
  std::string serverFirst;
  std::string clientFinal;
  std::string serverFinal;
};

// RFC 5802 §5 (SCRAM-SHA-1) and RFC 7677 §3 (SCRAM-SHA-256): user "user", password "pencil".
const RfcExample kSha1Example{
    ScramHash::Sha1,
    "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
    "3rfcNHYJY1ZVvWVs7j",
    "QSXCR+Q6sek8bf92",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
    "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
};
const RfcExample kSha256Example{
    ScramHash::Sha256,
    "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
    "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
    "W22ZaJ0SNY7soEsUEjb6gQ==",
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
};

ScramCredentials pencil(const RfcExample& example) {
  auto credentials =
      deriveScramCredentials(example.hash, "pencil", *base::base64Decode(example.salt), 4096);
  EXPECT_TRUE(credentials.has_value());
  return *credentials;
}

// Runs the server side of an example up to the server-first-message.
ScramServerExchange startExchange(const RfcExample& example) {
  ScramServerExchange exchange(example.hash);
  exchange.setServerNonceForTesting(example.serverNonce);
  const auto username = exchange.handleClientFirst(example.clientFirst);
  EXPECT_EQ(std::get<std::string>(username), "user");
  EXPECT_EQ(exchange.serverFirst(pencil(example)), example.serverFirst);
  return exchange;
}

class ScramRfcExampleTest : public ::testing::TestWithParam<RfcExample> {};

TEST_P(ScramRfcExampleTest, ReproducesServerMessages) {
  auto exchange = startExchange(GetParam());
  const auto result = exchange.handleClientFinal(GetParam().clientFinal);
  ASSERT_TRUE(std::holds_alternative<std::string>(result));
  EXPECT_EQ(std::get<std::string>(result), GetParam().serverFinal);
}

TEST_P(ScramRfcExampleTest, RejectsAlteredProof) {
  auto exchange = startExchange(GetParam());
  std::string clientFinal = GetParam().clientFinal;
  char& proofChar = clientFinal[clientFinal.size() - 6];  // inside the base64 of the proof
  proofChar = proofChar == 'A' ? 'B' : 'A';
  const auto result = exchange.handleClientFinal(clientFinal);
  ASSERT_TRUE(std::holds_alternative<Error>(result));
  EXPECT_EQ(std::get<Error>(result), Error::NotAuthorized);
}

TEST_P(ScramRfcExampleTest, RejectsOtherPassword) {
  ScramServerExchange exchange(GetParam().hash);
  exchange.setServerNonceForTesting(GetParam().serverNonce);
  ASSERT_TRUE(
      std::holds_alternative<std::string>(exchange.handleClientFirst(GetParam().clientFirst)));
  const auto other = deriveScramCredentials(GetParam().hash, "pencil2",
                                            *base::base64Decode(GetParam().salt), 4096);
  exchange.serverFirst(other);
  EXPECT_EQ(std::get<Error>(exchange.handleClientFinal(GetParam().clientFinal)),
            Error::NotAuthorized);
}

TEST_P(ScramRfcExampleTest, AllowsOnlyOneFinalMessage) {
  auto exchange = startExchange(GetParam());
  ASSERT_TRUE(
      std::holds_alternative<std::string>(exchange.handleClientFinal(GetParam().clientFinal)));
  EXPECT_EQ(std::get<Error>(exchange.handleClientFinal(GetParam().clientFinal)),
            Error::MalformedRequest);
}

INSTANTIATE_TEST_SUITE_P(Rfc, ScramRfcExampleTest, ::testing::Values(kSha1Example, kSha256Example));

Error clientFirstError(std::string_view message, std::string domain = {}) {
  ScramServerExchange exchange(ScramHash::Sha256, std::move(domain));
  const auto result = exchange.handleClientFirst(message);
  EXPECT_TRUE(std::holds_alternative<Error>(result)) << message;
  return std::holds_alternative<Error>(result) ? std::get<Error>(result) : Error::NotAuthorized;
}

std::string clientFirstUser(std::string_view message, std::string domain = {}) {
  ScramServerExchange exchange(ScramHash::Sha256, std::move(domain));
  const auto result = exchange.handleClientFirst(message);
  EXPECT_TRUE(std::holds_alternative<std::string>(result)) << message;
  return std::holds_alternative<std::string>(result) ? std::get<std::string>(result) : "";
}

TEST(ScramServerTest, AcceptsClientFirstVariants) {
  EXPECT_EQ(clientFirstUser("y,,n=user,r=abc"), "user");
  EXPECT_EQ(clientFirstUser("n,a=user,n=user,r=abc"), "user");
  EXPECT_EQ(clientFirstUser("n,a=user@example.com,n=user,r=abc", "example.com"), "user");
  EXPECT_EQ(clientFirstUser("n,,n=a=2Cb=3Dc,r=abc"), "a,b=c");
  EXPECT_EQ(clientFirstUser("n,,n=user,r=abc,x=ignored extension"), "user");
  EXPECT_EQ(clientFirstUser("n,,n=I\xc2\xadX,r=abc"), "IX");  // SASLprep: soft hyphen removed
}

TEST(ScramServerTest, RejectsMalformedClientFirst) {
  for (const std::string_view message : {
           "", "n", "n,", "x,,n=user,r=abc", "n,,", "n,,n=user",
           "n,,r=abc,n=user",        // attribute order
           "n,,m=ext,n=user,r=abc",  // mandatory extension
           "n,,n=,r=abc",            // empty user name
           "n,,n=user,r=",           // empty nonce
           "n,,n=user,r=a b",        // nonce with a space
           "n,,n=us=2Er,r=abc",      // unknown escape
           "n,,n=user=,r=abc",       // bare '='
           "n,,n=user,r=abc,",       // empty trailing attribute
           "n,,n=user,r=abc,xx=1",   // attribute name longer than one letter
           "n,b=user,n=user,r=abc",  // authzid field without "a="
           "n,a=,n=user,r=abc",      // empty authzid
       }) {
    EXPECT_EQ(clientFirstError(message), Error::MalformedRequest) << message;
  }
  EXPECT_EQ(clientFirstError(std::string_view("n,,n=us\0r,r=abc", 15)), Error::MalformedRequest);
}

TEST(ScramServerTest, RefusesChannelBindingAndForeignAuthzid) {
  EXPECT_EQ(clientFirstError("p=tls-unique,,n=user,r=abc"), Error::ChannelBindingUnsupported);
  EXPECT_EQ(clientFirstError("n,a=admin,n=user,r=abc"), Error::InvalidAuthzid);
  EXPECT_EQ(clientFirstError("n,a=user@example.com,n=user,r=abc"), Error::InvalidAuthzid);
  EXPECT_EQ(clientFirstError("n,a=user@other.example,n=user,r=abc", "example.com"),
            Error::InvalidAuthzid);
  // A name SASLprep rejects (a control character) cannot be an account.
  EXPECT_EQ(clientFirstError("n,,n=us\x01r,r=abc"), Error::NotAuthorized);
}

TEST(ScramServerTest, RejectsBadClientFinal) {
  const std::string nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  const std::string proof = "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  struct Case {
    std::string message;
    Error error;
  };
  for (const auto& [message, error] : std::initializer_list<Case>{
           {"", Error::MalformedRequest},
           {"c=biws,r=" + nonce, Error::MalformedRequest},                 // no proof
           {"r=" + nonce + ",c=biws," + proof, Error::MalformedRequest},   // order
           {"c=bi ws,r=" + nonce + "," + proof, Error::MalformedRequest},  // bad base64
           {"c=biws,r=" + nonce + ",p=***", Error::MalformedRequest},
           {"c=eSws,r=" + nonce + "," + proof, Error::NotAuthorized},         // "y,," header
           {"c=biws,r=" + nonce + "x," + proof, Error::NotAuthorized},        // nonce differs
           {"c=biws,r=rOprNGfwEbeRWgbNEkqO," + proof, Error::NotAuthorized},  // client part only
           {"c=biws,r=" + nonce + ",p=AAAA", Error::NotAuthorized},  // proof of the wrong size
       }) {
    auto exchange = startExchange(kSha256Example);
    const auto result = exchange.handleClientFinal(message);
    ASSERT_TRUE(std::holds_alternative<Error>(result)) << message;
    EXPECT_EQ(std::get<Error>(result), error) << message;
  }
}

TEST(ScramServerTest, ExtensionBeforeProofIsCoveredByAuthMessage) {
  // An extension changes the AuthMessage, so the RFC proof no longer matches.
  auto exchange = startExchange(kSha256Example);
  std::string message = kSha256Example.clientFinal;
  message.insert(message.find(",p="), ",x=1");
  EXPECT_EQ(std::get<Error>(exchange.handleClientFinal(message)), Error::NotAuthorized);
}

TEST(ScramServerTest, UnknownUserGetsStableFakeChallenge) {
  auto challengeFor = [](std::string_view user, ScramHash hash) {
    ScramServerExchange exchange(hash);
    exchange.setServerNonceForTesting("server");
    EXPECT_TRUE(std::holds_alternative<std::string>(
        exchange.handleClientFirst("n,,n=" + std::string(user) + ",r=client")));
    return exchange.serverFirst(std::nullopt);
  };
  const std::string first = challengeFor("ghost", ScramHash::Sha256);
  EXPECT_EQ(first, challengeFor("ghost", ScramHash::Sha256));
  EXPECT_NE(first, challengeFor("phantom", ScramHash::Sha256));
  EXPECT_NE(first, challengeFor("ghost", ScramHash::Sha1));
  EXPECT_TRUE(first.starts_with("r=clientserver,s=")) << first;
  EXPECT_TRUE(first.ends_with(",i=" + std::to_string(kDefaultScramIterations))) << first;
}

TEST(ScramServerTest, EnforcesCallOrder) {
  ScramServerExchange exchange(ScramHash::Sha256);
  EXPECT_EQ(exchange.serverFirst(std::nullopt), "");
  EXPECT_EQ(std::get<Error>(exchange.handleClientFinal("c=biws,r=a,p=AAAA")),
            Error::MalformedRequest);
  ASSERT_TRUE(std::holds_alternative<std::string>(exchange.handleClientFirst("n,,n=u,r=a")));
  EXPECT_EQ(std::get<Error>(exchange.handleClientFirst("n,,n=u,r=a")), Error::MalformedRequest);
}

TEST(ScramCredentialsTest, VerifyPassword) {
  const auto credentials = deriveScramCredentials(ScramHash::Sha256, "pencil", 4096);
  ASSERT_TRUE(credentials.has_value());
  EXPECT_EQ(credentials->salt.size(), 16u);
  EXPECT_EQ(credentials->iterations, 4096u);
  EXPECT_EQ(credentials->storedKey.size(), 32u);
  EXPECT_EQ(credentials->serverKey.size(), 32u);
  EXPECT_TRUE(verifyPassword(*credentials, "pencil"));
  EXPECT_FALSE(verifyPassword(*credentials, "Pencil"));
  EXPECT_FALSE(verifyPassword(*credentials, ""));
  EXPECT_FALSE(verifyPassword(ScramCredentials{}, "pencil"));
  // Fresh salts: the same password gives different keys.
  EXPECT_NE(deriveScramCredentials(ScramHash::Sha256, "pencil", 4096)->storedKey,
            credentials->storedKey);
}

TEST(ScramCredentialsTest, PasswordsAreSaslpreped) {
  // RFC 4013 §3: U+00A0 (no-break space) maps to space; U+00AD (soft hyphen) to nothing.
  const auto credentials = deriveScramCredentials(ScramHash::Sha1, "a b", "salt", 100);
  ASSERT_TRUE(credentials.has_value());
  EXPECT_TRUE(verifyPassword(*credentials,
                             "a\xc2\xa0"
                             "b"));
  EXPECT_TRUE(verifyPassword(*credentials,
                             "a \xc2\xad"
                             "b"));
  EXPECT_FALSE(deriveScramCredentials(ScramHash::Sha1, "bad\x07", "salt", 100).has_value());
}

}  // namespace
}  // namespace kontalk::sasl
