#include "xmpp/data_form.hpp"

#include <gtest/gtest.h>

namespace kontalk::xmpp {
namespace {

xml::Element field(std::string var, std::string type, std::vector<std::string> values) {
  xml::Element f("field", kDataFormsNamespace);
  if (!var.empty()) f.setAttribute("var", std::move(var));
  if (!type.empty()) f.setAttribute("type", std::move(type));
  for (const auto& v : values) f.addChild("value", kDataFormsNamespace).addText(v);
  return f;
}

TEST(DataFormTest, ParsesSubmittedForm) {
  xml::Element x("x", kDataFormsNamespace);
  x.setAttribute("type", "submit");
  x.addChild(field("FORM_TYPE", "hidden", {"jabber:iq:register"}));
  x.addChild(field("phone", "", {"+15550001111"}));
  x.addChild(field("features", "list-multi", {"a", "b"}));
  x.addChild(field("", "fixed", {"Some instructions"}));
  const auto form = DataForm::parse(x);
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->type, "submit");
  ASSERT_EQ(form->fields.size(), 4u);
  EXPECT_EQ(form->value("FORM_TYPE"), "jabber:iq:register");
  EXPECT_EQ(form->value("phone"), "+15550001111");
  ASSERT_NE(form->field("features"), nullptr);
  EXPECT_EQ(form->field("features")->values, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(form->value("missing"), std::nullopt);
}

TEST(DataFormTest, RoundTripsThroughElement) {
  DataForm form;
  form.type = "form";
  form.title = "Register";
  form.fields.push_back({"phone", "text-single", "Phone number", {}});
  form.fields.push_back({"accept", "boolean", "", {"1"}});
  const auto parsed = DataForm::parse(form.toElement());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->title, "Register");
  ASSERT_EQ(parsed->fields.size(), 2u);
  EXPECT_EQ(parsed->fields[0].label, "Phone number");
  EXPECT_EQ(parsed->fields[0].type, "text-single");
  EXPECT_TRUE(parsed->fields[0].values.empty());
  EXPECT_EQ(parsed->value("accept"), "1");
}

TEST(DataFormTest, RejectsInvalidForms) {
  auto formWith = [](std::string type, xml::Element f) {
    xml::Element x("x", kDataFormsNamespace);
    if (!type.empty()) x.setAttribute("type", std::move(type));
    x.addChild(std::move(f));
    return x;
  };
  EXPECT_FALSE(DataForm::parse(formWith("", field("a", "", {}))).has_value());
  EXPECT_FALSE(DataForm::parse(formWith("bogus", field("a", "", {}))).has_value());
  EXPECT_FALSE(DataForm::parse(formWith("submit", field("a", "text-huge", {}))).has_value());
  EXPECT_FALSE(DataForm::parse(formWith("submit", field("", "text-single", {}))).has_value());
  auto duplicate = formWith("submit", field("a", "", {}));
  duplicate.addChild(field("a", "", {}));
  EXPECT_FALSE(DataForm::parse(duplicate).has_value());
  EXPECT_FALSE(DataForm::parse(xml::Element("x", "jabber:x:oob")).has_value());
}

}  // namespace
}  // namespace kontalk::xmpp
