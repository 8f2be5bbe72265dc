#include "xmpp/data_form.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace kontalk::xmpp {
namespace {

constexpr std::array<std::string_view, 4> kFormTypes{"form", "submit", "cancel", "result"};
// XEP-0004 §3.3.
constexpr std::array<std::string_view, 10> kFieldTypes{
    "boolean",    "fixed",       "hidden",     "jid-multi",    "jid-single",
    "list-multi", "list-single", "text-multi", "text-private", "text-single",
};

template <std::size_t N>
bool isOneOf(std::string_view value, const std::array<std::string_view, N>& allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

}  // namespace

const DataFormField* DataForm::field(std::string_view var) const {
  const auto found =
      std::find_if(fields.begin(), fields.end(), [var](const auto& f) { return f.var == var; });
  return found == fields.end() ? nullptr : &*found;
}

std::optional<std::string> DataForm::value(std::string_view var) const {
  const auto* found = field(var);
  if (found == nullptr || found->values.empty()) return std::nullopt;
  return found->values.front();
}

xml::Element DataForm::toElement() const {
  xml::Element form("x", kDataFormsNamespace);
  form.setAttribute("type", type);
  if (!title.empty()) form.addChild("title", kDataFormsNamespace).addText(title);
  for (const auto& f : fields) {
    auto& fieldElement = form.addChild("field", kDataFormsNamespace);
    if (!f.var.empty()) fieldElement.setAttribute("var", f.var);
    if (!f.type.empty()) fieldElement.setAttribute("type", f.type);
    if (!f.label.empty()) fieldElement.setAttribute("label", f.label);
    for (const auto& v : f.values) fieldElement.addChild("value", kDataFormsNamespace).addText(v);
  }
  return form;
}

std::optional<DataForm> DataForm::parse(const xml::Element& element) {
  if (!element.is("x", kDataFormsNamespace)) return std::nullopt;
  DataForm form;
  form.type = element.attribute("type");
  if (!isOneOf(form.type, kFormTypes)) return std::nullopt;
  form.title = element.childText("title", kDataFormsNamespace);
  std::set<std::string, std::less<>> seen;
  for (const auto* fieldElement : element.children("field", kDataFormsNamespace)) {
    DataFormField f;
    f.var = fieldElement->attribute("var");
    f.type = fieldElement->attribute("type");
    f.label = fieldElement->attribute("label");
    if (!f.type.empty() && !isOneOf(f.type, kFieldTypes)) return std::nullopt;
    // §3.2: var identifies the field and is required unless the field is "fixed".
    if (f.type != "fixed") {
      if (f.var.empty() || !seen.insert(f.var).second) return std::nullopt;
    }
    for (const auto* valueElement : fieldElement->children("value", kDataFormsNamespace)) {
      f.values.push_back(valueElement->text());
    }
    form.fields.push_back(std::move(f));
  }
  return form;
}

}  // namespace kontalk::xmpp
