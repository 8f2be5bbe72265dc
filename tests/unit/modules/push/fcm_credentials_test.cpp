#include "modules/push/fcm_credentials.hpp"

#include <memory>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <nlohmann/json.hpp>

#include "base/encoding.hpp"

namespace kontalk::modules::push {
namespace {

using nlohmann::json;

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

std::unique_ptr<EVP_PKEY, KeyFree> freshKey() {
  return std::unique_ptr<EVP_PKEY, KeyFree>(EVP_RSA_gen(2048));
}

std::string privatePem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return pem;
}

std::string fromBase64Url(std::string text) {
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (text.size() % 4 != 0) text.push_back('=');
  return base::base64Decode(text).value();
}

ServiceAccount account(std::string pem) {
  return {"test-project", "push@test-project.iam.gserviceaccount.com", std::move(pem),
          "http://127.0.0.1:1/token"};
}

TEST(FcmCredentialsTest, TheAssertionIsAVerifiableRs256JwtWithTheSpecClaims) {
  auto key = freshKey();
  ASSERT_TRUE(key);
  const auto assertion = makeAssertion(account(privatePem(key.get())), 1'700'000'000);
  ASSERT_TRUE(assertion) << assertion.error().message;
  const auto firstDot = assertion->find('.');
  const auto lastDot = assertion->rfind('.');
  ASSERT_NE(firstDot, lastDot);
  const auto header = json::parse(fromBase64Url(assertion->substr(0, firstDot)));
  EXPECT_EQ(header["alg"], "RS256");
  const auto claims =
      json::parse(fromBase64Url(assertion->substr(firstDot + 1, lastDot - firstDot - 1)));
  EXPECT_EQ(claims["iss"], "push@test-project.iam.gserviceaccount.com");
  EXPECT_EQ(claims["scope"], kFcmScope);
  EXPECT_EQ(claims["aud"], "http://127.0.0.1:1/token");
  EXPECT_EQ(claims["iat"], 1'700'000'000);
  EXPECT_EQ(claims["exp"], 1'700'003'600);

  const std::string signedPart = assertion->substr(0, lastDot);
  const std::string signature = fromBase64Url(assertion->substr(lastDot + 1));
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key.get()), 1);
  EXPECT_EQ(EVP_DigestVerify(
                context, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                reinterpret_cast<const unsigned char*>(signedPart.data()), signedPart.size()),
            1);
  EVP_MD_CTX_free(context);
}

TEST(FcmCredentialsTest, ABadKeyIsRefused) {
  EXPECT_FALSE(makeAssertion(account("not a key"), 1));
}

TEST(FcmCredentialsTest, TheServiceAccountNeedsItsFourFields) {
  const json full = {{"type", "service_account"},
                     {"project_id", "test-project"},
                     {"client_email", "push@x"},
                     {"private_key", "PEM"},
                     {"token_uri", "https://oauth2.googleapis.com/token"}};
  const auto read = readServiceAccount(full.dump());
  ASSERT_TRUE(read);
  EXPECT_EQ(read->projectId, "test-project");
  EXPECT_EQ(read->tokenUri, "https://oauth2.googleapis.com/token");
  for (const char* field : {"project_id", "client_email", "private_key", "token_uri"}) {
    json partial = full;
    partial.erase(field);
    EXPECT_FALSE(readServiceAccount(partial.dump())) << field;
  }
  EXPECT_FALSE(readServiceAccount("[1]"));
}

TEST(FcmCredentialsTest, TokenAnswersNeedATokenAndALifetime) {
  const auto answer = readTokenAnswer(R"({"access_token":"test-token","expires_in":3600})");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->token, "test-token");
  EXPECT_EQ(answer->expiresIn, std::chrono::seconds(3600));
  EXPECT_FALSE(readTokenAnswer(R"({"access_token":"t"})"));
  EXPECT_FALSE(readTokenAnswer(R"({"access_token":"","expires_in":1})"));
  EXPECT_FALSE(readTokenAnswer("<html>"));
}

TEST(FcmCredentialsTest, TheTokenRequestIsTheJwtBearerGrant) {
  EXPECT_EQ(tokenRequestBody("a.b.c"),
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c");
}

}  // namespace
}  // namespace kontalk::modules::push
