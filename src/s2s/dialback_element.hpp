#pragma once
// Writes a Server Dialback element (XEP-0220) with the `db:` prefix that every s2s stream
// header of ours declares (xmlns:db='jabber:server:dialback'), as in XEP-0220's examples:
// `<db:result from='a' to='b'>KEY</db:result>`, not `<result xmlns='jabber:server:dialback'>`.
// Both are the same XML, but ejabberd 23.01 matches the prefixed name literally and ignores the
// other form, so dialback with it never completed (tests/integration/test_s2s_interop.py).
// Children (an <error/>, XEP-0220 §2.4) stay in the stream's default namespace, which the
// prefix does not change.
// Threading: pure function; any thread.

#include <string>

#include "xml/element.hpp"

namespace kontalk::s2s {

// Appends `element` (namespace jabber:server:dialback) to `out`, written as `db:NAME`.
void appendDialbackElement(std::string& out, const xml::Element& element);

}  // namespace kontalk::s2s
