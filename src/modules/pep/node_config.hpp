#pragma once
// A PEP node's configuration as clients exchange it (XEP-0060 §8.2, XEP-0223): read from a
// submitted configuration or publish-options form within the server's limits, checked as a
// publish precondition, and written as the owner's configuration form.
// Threading: pure functions over values; any thread.

#include <cstdint>
#include <string>
#include <variant>

#include "storage/pep_store.hpp"
#include "xmpp/data_form.hpp"

namespace kontalk::modules::pep {

inline constexpr const char* kNodeConfigFormType = "http://jabber.org/protocol/pubsub#node_config";
inline constexpr const char* kPublishOptionsFormType =
    "http://jabber.org/protocol/pubsub#publish-options";

// Why a form was refused: a message for the client's <text/>.
struct ConfigRefusal {
  std::string reason;
};

// `base` with what `form` sets: pubsub#access_model (presence, open, roster, whitelist),
// pubsub#max_items (1..maxItems, or "max" for maxItems) and pubsub#persist_items. Other fields
// are ignored (XEP-0060 §8.2.4 leaves unsupported options to the service), FORM_TYPE must be
// `formType` when present.
std::variant<storage::PepNodeConfig, ConfigRefusal> applyConfigForm(
    const storage::PepNodeConfig& base, const xmpp::DataForm& form, std::string_view formType,
    std::int64_t maxItems);

// XEP-0223 §3: publish-options are preconditions on an existing node: whether every option
// the form sets (`requested`, from applyConfigForm over `existing`) equals the node's.
bool meetsPreconditions(const storage::PepNodeConfig& existing,
                        const storage::PepNodeConfig& requested);

// The owner's configuration form (XEP-0060 §8.2.1), type "form".
xmpp::DataForm configForm(const storage::PepNodeConfig& config);

}  // namespace kontalk::modules::pep
