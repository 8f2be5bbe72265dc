#include "storage/postgresql/table_rows.hpp"

#include <map>
#include <string>
#include <vector>

namespace kontalk::storage::postgresql {

namespace {

enum class ColumnType { Integer, Text, Bytes };

struct Column {
  std::string name;
  ColumnType type;
};

std::string quoted(const std::string& identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

// The data tables in foreign-key order; creation order (oid) breaks ties.
Result<std::vector<std::string>> dataTables(Connection& connection) {
  auto tables = connection.query(
      "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind = 'r' AND n.nspname = current_schema() "
      "AND c.relname <> 'schema_migrations' ORDER BY c.oid");
  if (!tables) return tl::unexpected(tables.error());
  auto keys = connection.query(
      "SELECT c.relname::text, r.relname::text FROM pg_constraint k "
      "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid "
      "JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE k.contype = 'f' AND n.nspname = current_schema()");
  if (!keys) return tl::unexpected(keys.error());
  TableReferences references;
  std::map<std::string, std::size_t> position;
  for (int row = 0; row < tables->count(); ++row) {
    position[tables->text(row, 0)] = references.size();
    references.push_back({tables->text(row, 0), {}});
  }
  for (int row = 0; row < keys->count(); ++row) {
    const auto table = position.find(keys->text(row, 0));
    if (table != position.end()) references[table->second].second.push_back(keys->text(row, 1));
  }
  return foreignKeyOrder(references);
}

Result<std::vector<Column>> columnsOf(Connection& connection, const std::string& table) {
  auto rows = connection.query(
      "SELECT a.attname::text, format_type(a.atttypid, NULL) FROM pg_attribute a "
      "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relname = $1 AND n.nspname = current_schema() AND a.attnum > 0 "
      "AND NOT a.attisdropped ORDER BY a.attnum",
      Parameters().text(table));
  if (!rows) return tl::unexpected(rows.error());
  std::vector<Column> columns;
  for (int row = 0; row < rows->count(); ++row) {
    const std::string type = rows->text(row, 1);
    if (type == "bigint" || type == "integer" || type == "smallint") {
      columns.push_back({rows->text(row, 0), ColumnType::Integer});
    } else if (type == "text") {
      columns.push_back({rows->text(row, 0), ColumnType::Text});
    } else if (type == "bytea") {
      columns.push_back({rows->text(row, 0), ColumnType::Bytes});
    } else {
      return failure(StatusCode::Unsupported, "postgresql: column " + table + "." +
                                                  rows->text(row, 0) + " has type " + type +
                                                  ", which a copy does not carry");
    }
  }
  return columns;
}

Result<void> exportTable(Connection& connection, const std::string& table, std::size_t batchRows,
                         const TableBatchSink& sink) {
  auto columns = columnsOf(connection, table);
  if (!columns) return tl::unexpected(columns.error());
  TableBatch batch{table, {}, {}};
  std::string select = "SELECT ctid::text";
  for (const auto& column : *columns) {
    batch.columns.push_back(column.name);
    select += ", " + quoted(column.name);
  }
  // Pages by physical position: within the snapshot every row has one ctid, and PostgreSQL
  // reads a ctid range directly (TID range scan), so each page costs what it returns.
  select += " FROM " + quoted(table) + " WHERE ctid > $1::tid ORDER BY ctid LIMIT $2";
  std::string after = "(0,0)";
  while (true) {
    auto rows = connection.query(
        select, Parameters().text(after).int64(static_cast<std::int64_t>(batchRows)));
    if (!rows) return tl::unexpected(rows.error());
    batch.rows.clear();
    for (int row = 0; row < rows->count(); ++row) {
      std::vector<CellValue> values;
      values.reserve(columns->size());
      for (std::size_t index = 0; index < columns->size(); ++index) {
        const int column = static_cast<int>(index) + 1;
        if (rows->isNull(row, column)) {
          values.emplace_back(std::monostate{});
        } else if ((*columns)[index].type == ColumnType::Integer) {
          values.emplace_back(rows->int64(row, column));
        } else if ((*columns)[index].type == ColumnType::Text) {
          values.emplace_back(rows->text(row, column));
        } else {
          values.emplace_back(Bytes{rows->bytea(row, column)});
        }
      }
      batch.rows.push_back(std::move(values));
    }
    // The last page, possibly empty, so that an empty table is listed too.
    if (static_cast<std::size_t>(rows->count()) < batchRows) return sink(batch);
    if (auto sent = sink(batch); !sent) return sent;
    after = rows->text(rows->count() - 1, 0);
  }
}

Result<void> insertBatch(Connection& connection, const TableBatch& batch,
                         const std::vector<Column>& columns) {
  std::map<std::string, ColumnType> types;
  for (const auto& column : columns) types[column.name] = column.type;
  std::string sql = "INSERT INTO " + quoted(batch.table) + " (";
  std::string placeholders;
  std::vector<ColumnType> targets;
  for (const auto& name : batch.columns) {
    const auto type = types.find(name);
    if (type == types.end()) {
      return failure(StatusCode::InvalidArgument,
                     "postgresql: table " + batch.table + " has no column " + name);
    }
    targets.push_back(type->second);
    sql += (placeholders.empty() ? "" : ", ") + quoted(name);
    placeholders += (placeholders.empty() ? "$" : ", $") + std::to_string(targets.size());
  }
  sql += ") VALUES (" + placeholders + ")";
  for (const auto& row : batch.rows) {
    if (row.size() != targets.size()) {
      return failure(StatusCode::InvalidArgument,
                     "postgresql: a row of " + batch.table + " has the wrong number of values");
    }
    Parameters parameters;
    for (std::size_t index = 0; index < row.size(); ++index) {
      const auto& value = row[index];
      if (std::holds_alternative<std::monostate>(value)) {
        parameters.null();
      } else if (const auto* number = std::get_if<std::int64_t>(&value)) {
        parameters.int64(*number);
      } else {
        // Text and bytes are both byte strings: each goes as its column's type.
        const std::string& bytes = std::holds_alternative<Bytes>(value)
                                       ? std::get<Bytes>(value).value
                                       : std::get<std::string>(value);
        if (targets[index] == ColumnType::Bytes) {
          parameters.bytea(bytes);
        } else {
          parameters.text(bytes);
        }
      }
    }
    if (auto inserted = connection.query(sql, parameters); !inserted) {
      return tl::unexpected(inserted.error());
    }
  }
  return {};
}

// Moves the sequence behind each identity or serial column of `table` past its highest value.
Result<void> advanceSequences(Connection& connection, const std::string& table,
                              const std::vector<Column>& columns) {
  for (const auto& column : columns) {
    if (column.type != ColumnType::Integer) continue;
    auto sequence = connection.query("SELECT pg_get_serial_sequence(quote_ident($1), $2)",
                                     Parameters().text(table).text(column.name));
    if (!sequence) return tl::unexpected(sequence.error());
    if (sequence->isNull(0, 0)) continue;
    // is_called = false: the next value handed out is exactly the highest plus one.
    auto moved =
        connection.query("SELECT setval($1::regclass, (SELECT COALESCE(MAX(" + quoted(column.name) +
                             "), 0) + 1 FROM " + quoted(table) + "), false)",
                         Parameters().text(sequence->text(0, 0)));
    if (!moved) return tl::unexpected(moved.error());
  }
  return {};
}

}  // namespace

Result<void> exportTables(Connection& connection, std::size_t batchRows,
                          const TableBatchSink& sink) {
  auto transaction = Transaction::begin(connection);
  if (!transaction) return tl::unexpected(transaction.error());
  if (auto snapshot =
          connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      !snapshot) {
    return snapshot;
  }
  auto tables = dataTables(connection);
  if (!tables) return tl::unexpected(tables.error());
  for (const auto& table : *tables) {
    if (auto sent = exportTable(connection, table, batchRows == 0 ? 1 : batchRows, sink); !sent) {
      return sent;
    }
  }
  return transaction->commit();
}

Result<void> importTables(Connection& connection, const TableBatchSource& source) {
  auto transaction = Transaction::begin(connection);
  if (!transaction) return tl::unexpected(transaction.error());
  auto tables = dataTables(connection);
  if (!tables) return tl::unexpected(tables.error());
  std::map<std::string, std::vector<Column>> columns;
  for (const auto& table : *tables) {
    auto any = connection.query("SELECT COUNT(*) FROM (SELECT 1 FROM " + quoted(table) +
                                " LIMIT 1) AS first_row");
    if (!any) return tl::unexpected(any.error());
    if (any->int64(0, 0) != 0) {
      return failure(StatusCode::AlreadyExists, "the destination holds data already (table " +
                                                    table + " has rows); copy into an empty one");
    }
    auto tableColumns = columnsOf(connection, table);
    if (!tableColumns) return tl::unexpected(tableColumns.error());
    columns[table] = std::move(*tableColumns);
  }
  auto written = source([&](const TableBatch& batch) -> Result<void> {
    const auto tableColumns = columns.find(batch.table);
    if (tableColumns == columns.end()) {
      return failure(StatusCode::InvalidArgument,
                     "postgresql: the destination has no table " + batch.table);
    }
    return insertBatch(connection, batch, tableColumns->second);
  });
  if (!written) return written;
  for (const auto& [table, tableColumns] : columns) {
    if (auto advanced = advanceSequences(connection, table, tableColumns); !advanced) {
      return advanced;
    }
  }
  return transaction->commit();
}

}  // namespace kontalk::storage::postgresql
