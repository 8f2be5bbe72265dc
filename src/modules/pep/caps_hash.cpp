#include "modules/pep/caps_hash.hpp"

#include <algorithm>
#include <vector>

#include <openssl/sha.h>

#include "base/encoding.hpp"
#include "xmpp/data_form.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::pep {
namespace {

// Sorts `parts` and appends each with '<'; false when two are equal (XEP-0115 §5.4 3.3, 3.4).
bool appendSortedUnique(std::string& out, std::vector<std::string> parts) {
  std::sort(parts.begin(), parts.end());
  if (std::adjacent_find(parts.begin(), parts.end()) != parts.end()) return false;
  for (const auto& part : parts) out += part + "<";
  return true;
}

}  // namespace

std::optional<std::string> capsVer(const xml::Element& query, std::string_view hash) {
  if (hash != "sha-1") return std::nullopt;
  std::string text;
  std::vector<std::string> identities;
  for (const xml::Element* identity : query.children("identity", ns::kDiscoInfo)) {
    identities.push_back(std::string(identity->attribute("category")) + "/" +
                         std::string(identity->attribute("type")) + "/" +
                         std::string(identity->attribute("xml:lang")) + "/" +
                         std::string(identity->attribute("name")));
  }
  std::vector<std::string> features;
  for (const xml::Element* feature : query.children("feature", ns::kDiscoInfo)) {
    features.emplace_back(feature->attribute("var"));
  }
  if (!appendSortedUnique(text, std::move(identities)) ||
      !appendSortedUnique(text, std::move(features))) {
    return std::nullopt;
  }
  // §5.1 step 5: extended forms, by FORM_TYPE, each field by var with its values sorted.
  std::vector<std::pair<std::string, std::string>> forms;
  for (const xml::Element* x : query.children("x", xmpp::kDataFormsNamespace)) {
    auto form = xmpp::DataForm::parse(*x);
    if (!form) return std::nullopt;
    auto formType = form->value("FORM_TYPE");
    if (!formType) return std::nullopt;
    std::string formText = *formType + "<";
    std::vector<const xmpp::DataFormField*> fields;
    for (const auto& field : form->fields) {
      if (field.var != "FORM_TYPE") fields.push_back(&field);
    }
    std::sort(fields.begin(), fields.end(),
              [](const auto* one, const auto* other) { return one->var < other->var; });
    for (const auto* field : fields) {
      formText += field->var + "<";
      std::vector<std::string> values = field->values;
      std::sort(values.begin(), values.end());
      for (const auto& value : values) formText += value + "<";
    }
    forms.emplace_back(*formType, std::move(formText));
  }
  std::sort(forms.begin(), forms.end());
  for (const auto& [type, formText] : forms) text += formText;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return base::base64Encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace kontalk::modules::pep
