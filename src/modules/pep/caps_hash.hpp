#pragma once
// The entity capabilities verification string and hash (XEP-0115 §5): what a client's caps 'ver'
// must be for its disco#info answer. The cache keeps an answer for everyone announcing that
// 'ver' only when it hashes to it, so that one client cannot make others miss events by
// answering for a popular 'ver' with features it does not have (XEP-0115 §8.1).
// Threading: pure functions over values; any thread.

#include <optional>
#include <string>
#include <string_view>

#include "xml/element.hpp"

namespace kontalk::modules::pep {

// The base64 'ver' of a disco#info <query/> for `hash` ("sha-1", the one XEP-0115 clients use);
// nullopt for another hash function or a query XEP-0115 §5.4 rejects (duplicate identities or
// features, a form without FORM_TYPE).
std::optional<std::string> capsVer(const xml::Element& query, std::string_view hash);

}  // namespace kontalk::modules::pep
