#pragma once
// ASCII armor (RFC 4880 §6.2) around key blocks: clients may send a key in either form.
// Internal to src/pgp.
// Threading: a pure function; any thread.

#include <string>
#include <string_view>

#include "pgp/result.hpp"

namespace kontalk::pgp::armor {

// The binary packets of `input`: dearmored when it carries an armor header line, else as given.
Result<std::string> binaryPackets(std::string_view input);

}  // namespace kontalk::pgp::armor
