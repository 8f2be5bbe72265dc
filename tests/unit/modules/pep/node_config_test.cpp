#include "modules/pep/node_config.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::pep {
namespace {

using storage::PepNodeConfig;

xmpp::DataForm form(std::vector<std::pair<std::string, std::string>> values,
                    std::string formType = kPublishOptionsFormType) {
  xmpp::DataForm result;
  result.type = "submit";
  result.fields.push_back({"FORM_TYPE", "hidden", "", {formType}});
  for (auto& [var, value] : values) result.fields.push_back({var, "", "", {value}});
  return result;
}

PepNodeConfig applied(const xmpp::DataForm& submitted,
                      std::string_view formType = kPublishOptionsFormType) {
  auto result = applyConfigForm(PepNodeConfig{}, submitted, formType, 100);
  EXPECT_TRUE(std::holds_alternative<PepNodeConfig>(result));
  return std::get<PepNodeConfig>(result);
}

bool refused(const xmpp::DataForm& submitted, std::string_view formType = kPublishOptionsFormType) {
  return std::holds_alternative<ConfigRefusal>(
      applyConfigForm(PepNodeConfig{}, submitted, formType, 100));
}

TEST(NodeConfig, ABookmarksPublishOptionsFormSetsTheNode) {
  // XEP-0402 §3: what clients send with each bookmark.
  EXPECT_EQ(applied(form({{"pubsub#persist_items", "true"},
                          {"pubsub#max_items", "max"},
                          {"pubsub#send_last_published_item", "never"},
                          {"pubsub#access_model", "whitelist"}})),
            (PepNodeConfig{"whitelist", 100, true}));
  EXPECT_EQ(applied(form({{"pubsub#max_items", "7"}, {"pubsub#persist_items", "0"}})),
            (PepNodeConfig{"presence", 7, false}));
  EXPECT_EQ(applied(form({})), PepNodeConfig{});
}

TEST(NodeConfig, RefusesValuesOutsideTheLimitsAndTheWrongFormType) {
  EXPECT_TRUE(refused(form({{"pubsub#max_items", "101"}})));
  EXPECT_TRUE(refused(form({{"pubsub#max_items", "0"}})));
  EXPECT_TRUE(refused(form({{"pubsub#max_items", "12x"}})));
  EXPECT_TRUE(refused(form({{"pubsub#access_model", "authorize"}})));
  EXPECT_TRUE(refused(form({{"pubsub#persist_items", "yes"}})));
  EXPECT_TRUE(refused(form({}, kNodeConfigFormType)));
  EXPECT_FALSE(refused(form({}, kNodeConfigFormType), kNodeConfigFormType));
}

TEST(NodeConfig, PreconditionsCompareWhatTheFormSetsOverTheNode) {
  const PepNodeConfig node{"open", 1, true};
  auto same =
      applyConfigForm(node, form({{"pubsub#access_model", "open"}}), kPublishOptionsFormType, 100);
  EXPECT_TRUE(meetsPreconditions(node, std::get<PepNodeConfig>(same)));
  auto other = applyConfigForm(node, form({{"pubsub#access_model", "presence"}}),
                               kPublishOptionsFormType, 100);
  EXPECT_FALSE(meetsPreconditions(node, std::get<PepNodeConfig>(other)));
}

TEST(NodeConfig, TheOwnersFormReadsBackAsTheConfiguration) {
  const PepNodeConfig node{"roster", 42, false};
  auto form = configForm(node);
  EXPECT_EQ(form.value("FORM_TYPE"), std::string(kNodeConfigFormType));
  auto parsed = xmpp::DataForm::parse(form.toElement());
  ASSERT_TRUE(parsed);
  parsed->type = "submit";
  auto back = applyConfigForm(PepNodeConfig{}, *parsed, kNodeConfigFormType, 100);
  EXPECT_EQ(std::get<PepNodeConfig>(back), node);
}

}  // namespace
}  // namespace kontalk::modules::pep
