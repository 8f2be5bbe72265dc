#include "storage/sqlite/table_rows.hpp"

#include <map>
#include <string>
#include <vector>

namespace kontalk::storage::sqlite {

namespace {

std::string quoted(const std::string& identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

// The data tables in foreign-key order; creation order breaks ties.
Result<std::vector<std::string>> dataTables(Database& database) {
  auto tables = database.prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "AND name <> 'schema_migrations' ORDER BY rowid");
  if (!tables) return tl::unexpected(tables.error());
  TableReferences references;
  while (true) {
    auto row = tables->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    references.push_back({tables->columnText(0), {}});
  }
  for (auto& [table, referred] : references) {
    auto keys = database.prepare("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)");
    if (!keys) return tl::unexpected(keys.error());
    keys->bindText(1, table);
    while (true) {
      auto row = keys->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      referred.push_back(keys->columnText(0));
    }
  }
  return foreignKeyOrder(references);
}

// Sends one table's rows to `sink` in batches of at most `batchRows`.
Result<void> exportTable(Database& database, const std::string& table, std::size_t batchRows,
                         const TableBatchSink& sink) {
  auto select = database.prepare("SELECT * FROM " + quoted(table));
  if (!select) return tl::unexpected(select.error());
  TableBatch batch{table, {}, {}};
  for (int column = 0; column < select->columnCount(); ++column) {
    batch.columns.push_back(select->columnName(column));
  }
  while (true) {
    auto row = select->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    std::vector<CellValue> values;
    values.reserve(batch.columns.size());
    for (int column = 0; column < select->columnCount(); ++column) {
      switch (select->columnType(column)) {
        case Statement::ColumnType::Integer:
          values.emplace_back(select->columnInt64(column));
          break;
        case Statement::ColumnType::Text:
          values.emplace_back(select->columnText(column));
          break;
        case Statement::ColumnType::Blob:
          values.emplace_back(Bytes{select->columnBlob(column)});
          break;
        case Statement::ColumnType::Null:
          values.emplace_back(std::monostate{});
          break;
        case Statement::ColumnType::Real:
          // The schema has no REAL column; a value that is one was not written by the server.
          return failure(StatusCode::DataLoss, "sqlite: table " + table + " column " +
                                                   batch.columns[column] + " holds a REAL value");
      }
    }
    batch.rows.push_back(std::move(values));
    if (batch.rows.size() >= batchRows) {
      if (auto sent = sink(batch); !sent) return sent;
      batch.rows.clear();
    }
  }
  // An empty table sends one empty batch, so that the copy lists it.
  return sink(batch);
}

// Declared type per column of `table` ("TEXT", "BLOB", "INTEGER"); empty for a missing table.
Result<std::map<std::string, std::string>> declaredTypes(Database& database,
                                                         const std::string& table) {
  auto info = database.prepare("SELECT name, upper(type) FROM pragma_table_info(?)");
  if (!info) return tl::unexpected(info.error());
  info->bindText(1, table);
  std::map<std::string, std::string> types;
  while (true) {
    auto row = info->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    types[info->columnText(0)] = info->columnText(1);
  }
  return types;
}

Result<void> insertBatch(Database& database, const TableBatch& batch,
                         const std::map<std::string, std::string>& types) {
  std::string sql = "INSERT INTO " + quoted(batch.table) + " (";
  std::string placeholders;
  std::vector<bool> blobColumn;
  for (const auto& column : batch.columns) {
    const auto type = types.find(column);
    if (type == types.end()) {
      return failure(StatusCode::InvalidArgument,
                     "sqlite: table " + batch.table + " has no column " + column);
    }
    blobColumn.push_back(type->second == "BLOB");
    sql += (placeholders.empty() ? "" : ", ") + quoted(column);
    placeholders += placeholders.empty() ? "?" : ", ?";
  }
  auto insert = database.prepare(sql + ") VALUES (" + placeholders + ")");
  if (!insert) return tl::unexpected(insert.error());
  for (const auto& row : batch.rows) {
    if (row.size() != batch.columns.size()) {
      return failure(StatusCode::InvalidArgument,
                     "sqlite: a row of " + batch.table + " has the wrong number of values");
    }
    for (std::size_t column = 0; column < row.size(); ++column) {
      const int index = static_cast<int>(column) + 1;
      const auto& value = row[column];
      if (std::holds_alternative<std::monostate>(value)) {
        insert->bindNull(index);
      } else if (const auto* number = std::get_if<std::int64_t>(&value)) {
        insert->bindInt64(index, *number);
      } else {
        const std::string& bytes = std::holds_alternative<Bytes>(value)
                                       ? std::get<Bytes>(value).value
                                       : std::get<std::string>(value);
        if (blobColumn[column]) {
          insert->bindBlob(index, bytes);
        } else {
          insert->bindText(index, bytes);
        }
      }
    }
    if (auto ran = insert->run(); !ran) return ran;
    insert->reset();
  }
  return {};
}

}  // namespace

Result<void> exportTables(Database& database, std::size_t batchRows, const TableBatchSink& sink) {
  if (auto begun = database.execute("BEGIN"); !begun) return begun;
  auto exported = [&]() -> Result<void> {
    auto tables = dataTables(database);
    if (!tables) return tl::unexpected(tables.error());
    for (const auto& table : *tables) {
      if (auto sent = exportTable(database, table, batchRows, sink); !sent) return sent;
    }
    return {};
  }();
  // Only read: ending the transaction either way changes nothing.
  (void)database.execute(exported ? "COMMIT" : "ROLLBACK");
  return exported;
}

Result<void> importTables(Database& database, const TableBatchSource& source) {
  auto transaction = Transaction::begin(database);
  if (!transaction) return tl::unexpected(transaction.error());
  auto tables = dataTables(database);
  if (!tables) return tl::unexpected(tables.error());
  std::map<std::string, std::map<std::string, std::string>> columnTypes;
  for (const auto& table : *tables) {
    auto any = database.prepare("SELECT EXISTS (SELECT 1 FROM " + quoted(table) + ")");
    if (!any) return tl::unexpected(any.error());
    if (auto row = any->step(); !row) return tl::unexpected(row.error());
    if (any->columnInt64(0) != 0) {
      return failure(StatusCode::AlreadyExists, "the destination holds data already (table " +
                                                    table + " has rows); copy into an empty one");
    }
    auto types = declaredTypes(database, table);
    if (!types) return tl::unexpected(types.error());
    columnTypes[table] = std::move(*types);
  }
  auto written = source([&](const TableBatch& batch) -> Result<void> {
    const auto types = columnTypes.find(batch.table);
    if (types == columnTypes.end()) {
      return failure(StatusCode::InvalidArgument,
                     "sqlite: the destination has no table " + batch.table);
    }
    return insertBatch(database, batch, types->second);
  });
  if (!written) return written;
  return transaction->commit();
}

}  // namespace kontalk::storage::sqlite
