#pragma once
// The path of an HTTP request target (RFC 9112 §3.2.1 origin-form, RFC 3986 §3.3), decoded once
// and checked, so that no route ever sees "..", an encoded '/' or a control character.
// Threading: pure functions; any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kontalk::http {

// The percent-decoded segments of `target`'s path ("/upload/a%20b/c?x" is {"upload", "a b", "c"};
// "/" is {}); the query is dropped. nullopt (the caller answers 400) when the target is not in
// origin-form (no leading '/'), a '%' is not followed by two hex digits, a segment is empty
// ("//", a trailing '/'), is "." or "..", or decodes to '/', '\\' or a control character.
std::optional<std::vector<std::string>> parseRequestPath(std::string_view target);

}  // namespace kontalk::http
