#include "modules/register/registration_forms.hpp"

#include "base/encoding.hpp"

namespace kontalk::modules::registration {
namespace {

xmpp::DataFormField field(std::string var, std::string type, std::string label, std::string value) {
  return xmpp::DataFormField{std::move(var), std::move(type), std::move(label), {std::move(value)}};
}

xmpp::DataFormField formType(std::string value) {
  return field("FORM_TYPE", "hidden", "", std::move(value));
}

xml::Element queryWith(xmpp::DataForm form) {
  xml::Element query("query", kRegisterNamespace);
  query.addChild(form.toElement());
  return query;
}

}  // namespace

xmpp::StanzaError stanzaError(xmpp::StanzaErrorCondition condition, const char* text) {
  return xmpp::StanzaError::of(condition, text);
}

std::optional<xmpp::DataForm> submittedForm(const xml::Element& query) {
  const auto* element = query.child("x", xmpp::kDataFormsNamespace);
  if (element == nullptr) return std::nullopt;
  auto form = xmpp::DataForm::parse(*element);
  if (!form || form->type != "submit") return std::nullopt;
  return form;
}

bool isTrue(const std::optional<std::string>& value) {
  return value && (*value == "1" || *value == "true");
}

xmpp::StanzaError throttledError() {
  auto error = stanzaError(xmpp::StanzaErrorCondition::ServiceUnavailable, kTooManyAttempts);
  error.type = xmpp::StanzaErrorType::Wait;
  return error;
}

std::optional<std::string> decodeBase64Field(std::string_view text, std::size_t maxBytes) {
  // Base64 grows data by 4/3; checking the input first bounds the work on hostile input.
  if (text.size() > maxBytes / 3 * 4 + 4 + text.size() / 64 * 2) return std::nullopt;
  std::string compact;
  compact.reserve(text.size());
  for (const char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') compact.push_back(c);
  }
  auto decoded = base::base64Decode(compact);
  if (!decoded || decoded->size() > maxBytes) return std::nullopt;
  return decoded;
}

xml::Element instructionsQuery(std::string_view termsUrl) {
  xml::Element query("query", kRegisterNamespace);
  query.addChild("instructions", kRegisterNamespace)
      .addText("Enter your phone number to receive a verification code.");
  xmpp::DataForm form;
  form.type = "form";
  form.fields.push_back(formType(kRegisterNamespace));
  form.fields.push_back(xmpp::DataFormField{"phone", "text-single", "Phone number", {}});
  if (!termsUrl.empty()) {
    form.fields.push_back(
        xmpp::DataFormField{"accept-terms", "boolean", "Accept terms of service?", {}});
    form.fields.push_back(field("terms", "hidden", "", std::string(termsUrl)));
  }
  query.addChild(form.toElement());
  return query;
}

xml::Element verificationStartedQuery(std::string_view instructions, std::string_view senderId,
                                      std::string_view challenge, bool canFallback) {
  xml::Element query("query", kRegisterNamespace);
  query.addChild("instructions", kRegisterNamespace).addText(instructions);
  xmpp::DataForm form;
  form.type = "form";
  form.fields.push_back(formType(kRegisterNamespace));
  form.fields.push_back(field("from", "text-single", "Sender ID", std::string(senderId)));
  form.fields.push_back(
      field("challenge", "text-single", "Challenge type", std::string(challenge)));
  if (canFallback) form.fields.push_back(field("can-fallback", "boolean", "", "true"));
  query.addChild(form.toElement());
  return query;
}

xml::Element signedKeyQuery(std::string_view keyBinary) {
  xmpp::DataForm form;
  form.type = "form";
  form.fields.push_back(formType(kCodeFormType));
  form.fields.push_back(
      field("publickey", "text-single", "Signed public key", base::base64Encode(keyBinary)));
  return queryWith(std::move(form));
}

xml::Element privateKeyTokenQuery(std::string_view token) {
  xmpp::DataForm form;
  form.type = "form";
  form.fields.push_back(formType(kPrivateKeyFormType));
  form.fields.push_back(field("token", "text-single", "Private key token", std::string(token)));
  return queryWith(std::move(form));
}

xml::Element privateKeyQuery(std::string_view privateKey, std::string_view publicKey) {
  xml::Element query("query", kRegisterNamespace);
  auto& transfer =
      query.addChild("account", kAccountNamespace).addChild("privatekey", kAccountNamespace);
  transfer.addChild("private", kAccountNamespace).addText(base::base64Encode(privateKey));
  transfer.addChild("public", kAccountNamespace).addText(base::base64Encode(publicKey));
  return query;
}

}  // namespace kontalk::modules::registration
