#include "modules/pep/node_config.hpp"

#include <array>
#include <charconv>

namespace kontalk::modules::pep {
namespace {

constexpr std::array<std::string_view, 4> kAccessModels = {"presence", "open", "roster",
                                                           "whitelist"};

}  // namespace

std::variant<storage::PepNodeConfig, ConfigRefusal> applyConfigForm(
    const storage::PepNodeConfig& base, const xmpp::DataForm& form, std::string_view formType,
    std::int64_t maxItems) {
  if (auto type = form.value("FORM_TYPE"); type && *type != formType) {
    return ConfigRefusal{"The form's FORM_TYPE is not " + std::string(formType) + "."};
  }
  storage::PepNodeConfig config = base;
  if (auto access = form.value("pubsub#access_model")) {
    if (std::find(kAccessModels.begin(), kAccessModels.end(), *access) == kAccessModels.end()) {
      return ConfigRefusal{"Unsupported pubsub#access_model " + *access + "."};
    }
    config.accessModel = *access;
  }
  if (auto items = form.value("pubsub#max_items")) {
    std::int64_t value = 0;
    if (*items == "max") {
      value = maxItems;
    } else {
      const auto [end, error] =
          std::from_chars(items->data(), items->data() + items->size(), value);
      if (error != std::errc() || end != items->data() + items->size() || value < 1) {
        return ConfigRefusal{"pubsub#max_items must be a positive number or max."};
      }
    }
    if (value > maxItems) {
      return ConfigRefusal{"pubsub#max_items exceeds this server's limit of " +
                           std::to_string(maxItems) + "."};
    }
    config.maxItems = value;
  }
  if (auto persist = form.value("pubsub#persist_items")) {
    // XEP-0004 §3.3 boolean: 0, 1, false or true.
    if (*persist == "1" || *persist == "true") {
      config.persistItems = true;
    } else if (*persist == "0" || *persist == "false") {
      config.persistItems = false;
    } else {
      return ConfigRefusal{"pubsub#persist_items must be a boolean."};
    }
  }
  return config;
}

bool meetsPreconditions(const storage::PepNodeConfig& existing,
                        const storage::PepNodeConfig& requested) {
  return existing == requested;
}

xmpp::DataForm configForm(const storage::PepNodeConfig& config) {
  xmpp::DataForm form;
  form.type = "form";
  form.fields.push_back({"FORM_TYPE", "hidden", "", {kNodeConfigFormType}});
  form.fields.push_back({"pubsub#access_model",
                         "list-single",
                         "Who may subscribe and retrieve items",
                         {config.accessModel}});
  form.fields.push_back({"pubsub#max_items",
                         "text-single",
                         "Max # of items to persist",
                         {std::to_string(config.maxItems)}});
  form.fields.push_back({"pubsub#persist_items",
                         "boolean",
                         "Persist items to storage",
                         {config.persistItems ? "1" : "0"}});
  return form;
}

}  // namespace kontalk::modules::pep
