#pragma once
// Everything stored, as plain rows: the seam through which `kontalkctl storage copy` moves a
// server's data from one backend to another (SQLite to PostgreSQL and back). Both backends have
// the same tables and columns at each schema version, so a copy is table by table, column by
// name, with no knowledge of what the stores keep in them.
// Threading: values and free functions; they block on both storages, so never on a shard.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "storage/result.hpp"

namespace kontalk::storage {

class Storage;

// A binary column's value (SQLite BLOB, PostgreSQL bytea), told apart from text so that each
// backend writes it to the right column type.
struct Bytes {
  std::string value;
  auto operator<=>(const Bytes&) const = default;
};

// One column of one row: NULL, an integer, text or bytes.
using CellValue = std::variant<std::monostate, std::int64_t, std::string, Bytes>;

// Consecutive rows of one table, each with one value per column, in the order of `columns`.
struct TableBatch {
  std::string table;
  std::vector<std::string> columns;
  std::vector<std::vector<CellValue>> rows;
};

// Takes the batches of an export one by one; a failure stops the export with it.
using TableBatchSink = std::function<Result<void>(const TableBatch&)>;
// Feeds an import: calls the sink with every batch to write, then returns.
using TableBatchSource = std::function<Result<void>(const TableBatchSink&)>;

// How a backend's tables refer to each other: a table and the tables its foreign keys name.
using TableReferences = std::vector<std::pair<std::string, std::vector<std::string>>>;

// The tables in an order where each comes after every table it refers to (an import then never
// writes a row before the row it refers to). Ties keep the given order. Fails Internal on a
// cycle or a reference to a table not in the list.
Result<std::vector<std::string>> foreignKeyOrder(const TableReferences& references);

// Rows copied into one table.
struct CopiedTable {
  std::string table;
  std::int64_t rows = 0;
};

// Copies everything `from` stores into `to`, in batches of at most `batchRows` rows (a big
// offline journal never sits in memory whole), in one transaction of `to`. Refuses, copying
// nothing, when the two are at different schema versions (InvalidArgument) or `to` holds data
// already (AlreadyExists). Returns the rows copied per table, in copy order.
Result<std::vector<CopiedTable>> copyStorage(Storage& from, Storage& to, std::size_t batchRows);

}  // namespace kontalk::storage
