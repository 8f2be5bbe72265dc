#pragma once
// PostgreSQL array literals ("{1,2,3}", "{\"a\",\"b\"}") for statements that take a whole list
// in one text parameter, cast in the SQL ($1::bigint[], $1::text[]): one statement and one
// round trip for any number of rows, instead of one per row.
// Threading: pure functions; any thread.

#include <cstdint>
#include <span>
#include <string>

namespace kontalk::storage::postgresql {

std::string int64ArrayLiteral(std::span<const std::int64_t> values);
// Every element quoted, so that no value (empty, "NULL", with commas or braces) is read as
// anything but that string.
std::string textArrayLiteral(std::span<const std::string> values);

}  // namespace kontalk::storage::postgresql
