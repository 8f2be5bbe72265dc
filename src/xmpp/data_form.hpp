#pragma once
// Data forms (XEP-0004): <x xmlns='jabber:x:data'/> as used by registration and search.
// Reported fields, items and field <option/>s are not modelled yet.
// Threading: plain values and pure functions; any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xml/element.hpp"

namespace kontalk::xmpp {

inline constexpr const char* kDataFormsNamespace = "jabber:x:data";

struct DataFormField {
  std::string var;
  std::string type;  // "" (absent: text-single, XEP-0004 §3.3) or one of the §3.3 field types
  std::string label;
  std::vector<std::string> values;
};

struct DataForm {
  std::string type;  // form, submit, cancel or result (XEP-0004 §3.1)
  std::string title;
  std::vector<DataFormField> fields;

  // The field with this var, or nullptr.
  const DataFormField* field(std::string_view var) const;
  // The first value of the field with this var; nullopt when the field or its value is absent.
  std::optional<std::string> value(std::string_view var) const;

  xml::Element toElement() const;
  // nullopt when `element` is not a data form or breaks XEP-0004: a missing or unknown form type,
  // an unknown field type, a non-fixed field without var, or the same var twice.
  static std::optional<DataForm> parse(const xml::Element& element);
};

}  // namespace kontalk::xmpp
