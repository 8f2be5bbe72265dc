#include "modules/register/registration_forms.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::registration {
namespace {

std::string fieldValue(const xml::Element& query, std::string_view var) {
  const auto* x = query.child("x", xmpp::kDataFormsNamespace);
  if (x == nullptr) return "<no form>";
  const auto form = xmpp::DataForm::parse(*x);
  return form ? form->value(var).value_or("<none>") : "<bad form>";
}

std::string fieldType(const xml::Element& query, std::string_view var) {
  const auto* x = query.child("x", xmpp::kDataFormsNamespace);
  const auto form = x != nullptr ? xmpp::DataForm::parse(*x) : std::nullopt;
  if (!form) return "<no form>";
  for (const auto& field : form->fields) {
    if (field.var == var) return field.type;
  }
  return "<none>";
}

TEST(RegistrationFormsTest, VerificationStartedCarriesSenderAndChallenge) {
  const auto query = verificationStartedQuery("Sent.", "KONTALK", "pin", true);
  EXPECT_TRUE(query.is("query", "jabber:iq:register"));
  EXPECT_EQ(query.childText("instructions", "jabber:iq:register"), "Sent.");
  EXPECT_EQ(fieldValue(query, "FORM_TYPE"), "jabber:iq:register");
  EXPECT_EQ(fieldValue(query, "from"), "KONTALK");
  EXPECT_EQ(fieldValue(query, "challenge"), "pin");
  EXPECT_EQ(fieldValue(query, "can-fallback"), "true");
  EXPECT_EQ(fieldValue(verificationStartedQuery("", "S", "pin", false), "can-fallback"), "<none>");
}

TEST(RegistrationFormsTest, InstructionsOfferTermsOnlyWhenConfigured) {
  const auto plain = instructionsQuery("");
  EXPECT_EQ(fieldValue(plain, "FORM_TYPE"), "jabber:iq:register");
  EXPECT_EQ(fieldType(plain, "phone"), "text-single");
  EXPECT_EQ(fieldType(plain, "accept-terms"), "<none>");
  EXPECT_EQ(fieldType(plain, "terms"), "<none>");

  // Spec §4.1: the Android client needs both fields to ask for acceptance.
  const auto withTerms = instructionsQuery("https://example.net/terms");
  EXPECT_EQ(fieldType(withTerms, "accept-terms"), "boolean");
  EXPECT_EQ(fieldType(withTerms, "terms"), "hidden");
  EXPECT_EQ(fieldValue(withTerms, "terms"), "https://example.net/terms");
}

TEST(RegistrationFormsTest, SignedKeyIsBase64InCodeForm) {
  const auto query = signedKeyQuery(std::string("\x99\x01", 2));
  EXPECT_EQ(fieldValue(query, "FORM_TYPE"), "http://kontalk.org/protocol/register#code");
  EXPECT_EQ(fieldValue(query, "publickey"), "mQE=");
}

TEST(RegistrationFormsTest, PrivateKeyAnswer) {
  const auto query = privateKeyQuery("priv", "pub");
  const auto* transfer =
      query.child("account", kAccountNamespace)->child("privatekey", kAccountNamespace);
  ASSERT_NE(transfer, nullptr);
  EXPECT_EQ(transfer->childText("private", kAccountNamespace), "cHJpdg==");
  EXPECT_EQ(transfer->childText("public", kAccountNamespace), "cHVi");
}

TEST(RegistrationFormsTest, SubmittedFormNeedsTypeSubmit) {
  xml::Element query("query", kRegisterNamespace);
  auto& x = query.addChild("x", xmpp::kDataFormsNamespace);
  x.setAttribute("type", "form");
  EXPECT_FALSE(submittedForm(query));
  x.setAttribute("type", "submit");
  EXPECT_TRUE(submittedForm(query));
}

TEST(RegistrationFormsTest, Base64FieldIgnoresLineBreaksAndIsBounded) {
  EXPECT_EQ(decodeBase64Field("cHJp\ndg==\n", 100), "priv");
  EXPECT_FALSE(decodeBase64Field("cHJpdg==", 3));
  EXPECT_FALSE(decodeBase64Field("not base64!", 100));
  EXPECT_FALSE(decodeBase64Field(std::string(1000, 'A'), 100));
}

TEST(RegistrationFormsTest, Booleans) {
  EXPECT_TRUE(isTrue("1"));
  EXPECT_TRUE(isTrue("true"));
  EXPECT_FALSE(isTrue("false"));
  EXPECT_FALSE(isTrue(std::nullopt));
}

}  // namespace
}  // namespace kontalk::modules::registration
