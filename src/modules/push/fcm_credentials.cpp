#include "modules/push/fcm_credentials.hpp"

#include <memory>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <nlohmann/json.hpp>

#include "base/encoding.hpp"
#include "base/http_call.hpp"

namespace kontalk::modules::push {
namespace {

using nlohmann::json;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct DigestFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

Result<std::string> stringField(const json& object, const char* name) {
  const auto found = object.find(name);
  if (found == object.end() || !found->is_string() || found->get<std::string>().empty()) {
    return failure(StatusCode::InvalidArgument,
                   std::string("the service account has no \"") + name + "\"");
  }
  return found->get<std::string>();
}

}  // namespace

Result<ServiceAccount> readServiceAccount(std::string_view text) {
  const json object = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) {
    return failure(StatusCode::InvalidArgument, "the service account is not a JSON object");
  }
  ServiceAccount account;
  for (auto [field, name] : {std::pair{&account.projectId, "project_id"},
                             std::pair{&account.clientEmail, "client_email"},
                             std::pair{&account.privateKeyPem, "private_key"},
                             std::pair{&account.tokenUri, "token_uri"}}) {
    auto value = stringField(object, name);
    if (!value) return tl::unexpected(value.error());
    *field = std::move(*value);
  }
  if (!account.tokenUri.starts_with("https://") && !account.tokenUri.starts_with("http://")) {
    return failure(StatusCode::InvalidArgument, "the service account's token_uri is no URL");
  }
  return account;
}

std::string base64Url(std::string_view bytes) {
  std::string text = base::base64Encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

std::string assertionSigningInput(const ServiceAccount& account, std::int64_t issuedAt) {
  const json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  const json claims = {{"iss", account.clientEmail},
                       {"scope", kFcmScope},
                       {"aud", account.tokenUri},
                       {"iat", issuedAt},
                       {"exp", issuedAt + kAssertionLifetime}};
  return base64Url(header.dump()) + "." + base64Url(claims.dump());
}

Result<std::string> makeAssertion(const ServiceAccount& account, std::int64_t issuedAt) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(
      account.privateKeyPem.data(), static_cast<int>(account.privateKeyPem.size())));
  if (!bio) return failure(StatusCode::Internal, "BIO_new_mem_buf failed");
  std::unique_ptr<EVP_PKEY, KeyFree> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    return failure(StatusCode::InvalidArgument,
                   "the service account's private_key is no PEM RSA key");
  }
  const std::string input = assertionSigningInput(account, issuedAt);
  std::unique_ptr<EVP_MD_CTX, DigestFree> context(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!context ||
      EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    return failure(StatusCode::Internal, "RS256 signing failed");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    return failure(StatusCode::Internal, "RS256 signing failed");
  }
  signature.resize(length);
  return input + "." + base64Url(signature);
}

std::string tokenRequestBody(std::string_view assertion) {
  return base::formEncode(
      {{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"}, {"assertion", assertion}});
}

Result<AccessToken> readTokenAnswer(std::string_view text) {
  const json object = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) {
    return failure(StatusCode::Unavailable, "the token endpoint's answer is not JSON");
  }
  const auto token = object.find("access_token");
  const auto expiresIn = object.find("expires_in");
  if (token == object.end() || !token->is_string() || token->get<std::string>().empty() ||
      expiresIn == object.end() || !expiresIn->is_number_integer() ||
      expiresIn->get<std::int64_t>() <= 0) {
    return failure(StatusCode::Unavailable,
                   "the token endpoint's answer lacks access_token or expires_in");
  }
  return AccessToken{token->get<std::string>(),
                     std::chrono::seconds(expiresIn->get<std::int64_t>())};
}

}  // namespace kontalk::modules::push
