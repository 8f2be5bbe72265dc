#include "stream/sasl/scram_client.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "base/encoding.hpp"

namespace kontalk::sasl {
namespace {

using ClientError = ScramClient::Error;

// RFC 7677 §3 from the client's side.
TEST(ScramClientTest, ReproducesRfc7677Example) {
  ScramClient client(ScramHash::Sha256);
  client.setClientNonceForTesting("rOprNGfwEbeRWgbNEkqO");
  EXPECT_EQ(client.clientFirst("user"), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  const auto final = client.handleServerFirst(
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
      "pencil");
  ASSERT_TRUE(std::holds_alternative<std::string>(final));
  EXPECT_EQ(std::get<std::string>(final),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  EXPECT_TRUE(client.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
  EXPECT_FALSE(client.verifyServerFinal("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
  EXPECT_FALSE(client.verifyServerFinal("e=invalid-proof"));
}

// RFC 5802 §5 from the client's side.
TEST(ScramClientTest, ReproducesRfc5802Example) {
  ScramClient client(ScramHash::Sha1);
  client.setClientNonceForTesting("fyko+d2lbbFgONRv9qkxdawL");
  EXPECT_EQ(client.clientFirst("user"), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  const auto final = client.handleServerFirst(
      "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096", "pencil");
  ASSERT_TRUE(std::holds_alternative<std::string>(final));
  EXPECT_EQ(std::get<std::string>(final),
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  EXPECT_TRUE(client.verifyServerFinal("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
}

TEST(ScramClientTest, EscapesUserName) {
  ScramClient client(ScramHash::Sha256);
  client.setClientNonceForTesting("n");
  EXPECT_EQ(client.clientFirst("a,b=c"), "n,,n=a=2Cb=3Dc,r=n");
  EXPECT_EQ(ScramClient(ScramHash::Sha256).clientFirst("bad\x01"), std::nullopt);
}

ClientError serverFirstError(std::string_view message, std::string_view password = "pencil") {
  ScramClient client(ScramHash::Sha256);
  client.setClientNonceForTesting("abc");
  EXPECT_TRUE(client.clientFirst("user").has_value());
  const auto result = client.handleServerFirst(message, password);
  EXPECT_TRUE(std::holds_alternative<ClientError>(result)) << message;
  return std::holds_alternative<ClientError>(result) ? std::get<ClientError>(result)
                                                     : ClientError::OutOfOrder;
}

TEST(ScramClientTest, RejectsBadServerFirst) {
  EXPECT_EQ(serverFirstError(""), ClientError::MalformedChallenge);
  EXPECT_EQ(serverFirstError("m=x,r=abcdef,s=QSXCR+Q6sek8bf92,i=4096"),
            ClientError::MalformedChallenge);
  EXPECT_EQ(serverFirstError("r=abcdef,i=4096,s=QSXCR+Q6sek8bf92"),
            ClientError::MalformedChallenge);
  EXPECT_EQ(serverFirstError("r=abcdef,s=not base64,i=4096"), ClientError::MalformedChallenge);
  EXPECT_EQ(serverFirstError("r=abcdef,s=,i=4096"), ClientError::MalformedChallenge);
  EXPECT_EQ(serverFirstError("r=xyzdef,s=QSXCR+Q6sek8bf92,i=4096"), ClientError::NonceMismatch);
  EXPECT_EQ(serverFirstError("r=abc,s=QSXCR+Q6sek8bf92,i=4096"), ClientError::NonceMismatch);
  EXPECT_EQ(serverFirstError("r=abcdef,s=QSXCR+Q6sek8bf92,i=0"), ClientError::BadIterationCount);
  EXPECT_EQ(serverFirstError("r=abcdef,s=QSXCR+Q6sek8bf92,i=-1"), ClientError::BadIterationCount);
  EXPECT_EQ(serverFirstError("r=abcdef,s=QSXCR+Q6sek8bf92,i=04096"),
            ClientError::BadIterationCount);
  EXPECT_EQ(serverFirstError("r=abcdef,s=QSXCR+Q6sek8bf92,i=99999999999"),
            ClientError::BadIterationCount);
  EXPECT_EQ(serverFirstError("r=abcdef,s=QSXCR+Q6sek8bf92,i=1", "bad\x7f"),
            ClientError::PasswordRejected);
}

TEST(ScramClientTest, EnforcesCallOrder) {
  ScramClient client(ScramHash::Sha256);
  EXPECT_EQ(std::get<ClientError>(client.handleServerFirst("r=a1,s=QQ==,i=1", "p")),
            ClientError::OutOfOrder);
  EXPECT_FALSE(client.verifyServerFinal("v=AAAA"));
}

struct RoundTrip {
  bool clientAccepted = false;
  bool serverAccepted = false;
};

RoundTrip runRoundTrip(ScramHash hash, std::string_view user, std::string_view storedPassword,
                       std::string_view typedPassword, bool knownUser = true) {
  const auto credentials = deriveScramCredentials(hash, storedPassword, 64);
  EXPECT_TRUE(credentials.has_value());
  ScramClient client(hash);
  ScramServerExchange server(hash);
  const auto first = client.clientFirst(user);
  EXPECT_TRUE(first.has_value());
  EXPECT_TRUE(std::holds_alternative<std::string>(server.handleClientFirst(*first)));
  const auto challenge = server.serverFirst(knownUser ? credentials : std::nullopt);
  const auto response = client.handleServerFirst(challenge, typedPassword);
  EXPECT_TRUE(std::holds_alternative<std::string>(response));
  const auto outcome = server.handleClientFinal(std::get<std::string>(response));
  RoundTrip result;
  result.serverAccepted = std::holds_alternative<std::string>(outcome);
  result.clientAccepted =
      result.serverAccepted && client.verifyServerFinal(std::get<std::string>(outcome));
  return result;
}

TEST(ScramRoundTripTest, SucceedsWithRightPassword) {
  for (const auto hash : {ScramHash::Sha1, ScramHash::Sha256}) {
    const auto result = runRoundTrip(hash, "user,with=odd chars", "s3cret", "s3cret");
    EXPECT_TRUE(result.serverAccepted);
    EXPECT_TRUE(result.clientAccepted);
  }
  // SASLprep makes U+00A0 and a plain space the same password.
  EXPECT_TRUE(runRoundTrip(ScramHash::Sha256, "user", "a b",
                           "a\xc2\xa0"
                           "b")
                  .clientAccepted);
}

TEST(ScramRoundTripTest, FailsWithWrongPasswordOrUnknownUser) {
  EXPECT_FALSE(runRoundTrip(ScramHash::Sha256, "user", "s3cret", "s3cre7").serverAccepted);
  EXPECT_FALSE(runRoundTrip(ScramHash::Sha256, "user", "s3cret", "s3cret", false).serverAccepted);
}

}  // namespace
}  // namespace kontalk::sasl
