#include <gtest/gtest.h>

#include <vector>

#include "stream/sasl_mechanism.hpp"

namespace kontalk::stream {
namespace {

using Mechanisms = std::vector<std::string>;

SaslOfferContext overTls(bool certificate, bool exclusive = true) {
  return SaslOfferContext{true, false, certificate, exclusive};
}

// Smack, the Kontalk clients' library, picks SCRAM-SHA-1 over EXTERNAL whenever both are
// offered; the client has no password, so with a certificate EXTERNAL must be alone.
TEST(SaslMechanismsTest, OnlyExternalForAClientWithACertificateByDefault) {
  EXPECT_EQ(offeredSaslMechanisms(overTls(true)), Mechanisms{"EXTERNAL"});
}

TEST(SaslMechanismsTest, ExternalFirstBesidePasswordsWhenCertificateLoginIsAlso) {
  EXPECT_EQ(offeredSaslMechanisms(overTls(true, false)),
            (Mechanisms{"EXTERNAL", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"}));
}

TEST(SaslMechanismsTest, PasswordMechanismsWithoutACertificate) {
  EXPECT_EQ(offeredSaslMechanisms(overTls(false)),
            (Mechanisms{"SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"}));
}

TEST(SaslMechanismsTest, NeitherExternalNorPlainWithoutTls) {
  EXPECT_EQ(offeredSaslMechanisms(SaslOfferContext{false, false, true, true}),
            (Mechanisms{"SCRAM-SHA-256", "SCRAM-SHA-1"}));
  EXPECT_EQ(offeredSaslMechanisms(SaslOfferContext{false, true, false, true}),
            (Mechanisms{"SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"}));
}

}  // namespace
}  // namespace kontalk::stream
