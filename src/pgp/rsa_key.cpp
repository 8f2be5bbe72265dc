#include "pgp/rsa_key.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

namespace kontalk::pgp {
namespace {

struct BignumDeleter {
  void operator()(BIGNUM* number) const { BN_clear_free(number); }
};
using Bignum = std::unique_ptr<BIGNUM, BignumDeleter>;
struct BnContextDeleter {
  void operator()(BN_CTX* context) const { BN_CTX_free(context); }
};
struct ParamBuildDeleter {
  void operator()(OSSL_PARAM_BLD* build) const { OSSL_PARAM_BLD_free(build); }
};
struct ParamsDeleter {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct KeyContextDeleter {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};

Bignum bignum(std::string_view magnitude) {
  return Bignum(BN_bin2bn(reinterpret_cast<const unsigned char*>(magnitude.data()),
                          static_cast<int>(magnitude.size()), nullptr));
}

Result<EvpKey> fromParams(OSSL_PARAM_BLD* build, int selection) {
  std::unique_ptr<OSSL_PARAM, ParamsDeleter> params(OSSL_PARAM_BLD_to_param(build));
  std::unique_ptr<EVP_PKEY_CTX, KeyContextDeleter> context(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1) {
    return fail("OpenSSL: cannot build an RSA key");
  }
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(context.get(), &key, selection, params.get()) != 1) {
    return fail("OpenSSL: invalid RSA key material");
  }
  return EvpKey(key);
}

}  // namespace

Result<EvpKey> rsaPublicKey(std::string_view modulus, std::string_view exponent) {
  auto n = bignum(modulus);
  auto e = bignum(exponent);
  std::unique_ptr<OSSL_PARAM_BLD, ParamBuildDeleter> build(OSSL_PARAM_BLD_new());
  if (!n || !e || !build ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return fail("OpenSSL: cannot build an RSA key");
  }
  return fromParams(build.get(), EVP_PKEY_PUBLIC_KEY);
}

Result<EvpKey> rsaPrivateKey(std::string_view modulus, std::string_view exponent,
                             std::string_view privateExponent, std::string_view p,
                             std::string_view q) {
  auto n = bignum(modulus);
  auto e = bignum(exponent);
  auto d = bignum(privateExponent);
  auto bnP = bignum(p);
  auto bnQ = bignum(q);
  Bignum dmp1(BN_new()), dmq1(BN_new()), iqmp(BN_new()), pMinus1(BN_new()), qMinus1(BN_new());
  std::unique_ptr<BN_CTX, BnContextDeleter> context(BN_CTX_new());
  if (!n || !e || !d || !bnP || !bnQ || !dmp1 || !dmq1 || !iqmp || !pMinus1 || !qMinus1 ||
      !context || BN_sub(pMinus1.get(), bnP.get(), BN_value_one()) != 1 ||
      BN_sub(qMinus1.get(), bnQ.get(), BN_value_one()) != 1 ||
      BN_mod(dmp1.get(), d.get(), pMinus1.get(), context.get()) != 1 ||
      BN_mod(dmq1.get(), d.get(), qMinus1.get(), context.get()) != 1 ||
      BN_mod_inverse(iqmp.get(), bnQ.get(), bnP.get(), context.get()) == nullptr) {
    return fail("OpenSSL: invalid RSA secret key material");
  }
  std::unique_ptr<OSSL_PARAM_BLD, ParamBuildDeleter> build(OSSL_PARAM_BLD_new());
  if (!build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_D, d.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, bnP.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, bnQ.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dmp1.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dmq1.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, iqmp.get()) != 1) {
    return fail("OpenSSL: cannot build an RSA key");
  }
  return fromParams(build.get(), EVP_PKEY_KEYPAIR);
}

Result<std::string> subjectPublicKeyInfo(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) return fail("OpenSSL: cannot encode the public key");
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

}  // namespace kontalk::pgp
