#include "storage/table_rows.hpp"

#include <algorithm>
#include <set>

#include "storage/storage.hpp"

namespace kontalk::storage {

Result<std::vector<std::string>> foreignKeyOrder(const TableReferences& references) {
  std::set<std::string> known;
  for (const auto& [table, referred] : references) known.insert(table);
  std::vector<std::string> ordered;
  std::set<std::string> placed;
  // Repeated passes place every table whose references are placed; a pass that places nothing
  // means a cycle. The schema has about twenty tables, so quadratic is nothing.
  while (ordered.size() < references.size()) {
    const std::size_t before = ordered.size();
    for (const auto& [table, referred] : references) {
      if (placed.contains(table)) continue;
      const bool ready = std::all_of(referred.begin(), referred.end(), [&](const auto& other) {
        return other == table || placed.contains(other);
      });
      if (ready) {
        ordered.push_back(table);
        placed.insert(table);
      }
    }
    if (ordered.size() == before) {
      for (const auto& [table, referred] : references) {
        for (const auto& other : referred) {
          if (!known.contains(other)) {
            return failure(StatusCode::Internal,
                           "table " + table + " refers to " + other + ", which does not exist");
          }
        }
      }
      return failure(StatusCode::Internal, "the tables' foreign keys form a cycle");
    }
  }
  return ordered;
}

Result<std::vector<CopiedTable>> copyStorage(Storage& from, Storage& to, std::size_t batchRows) {
  auto fromVersion = from.schemaVersion();
  if (!fromVersion) return tl::unexpected(fromVersion.error());
  auto toVersion = to.schemaVersion();
  if (!toVersion) return tl::unexpected(toVersion.error());
  if (*fromVersion != *toVersion) {
    return failure(StatusCode::InvalidArgument,
                   "the source is at schema version " + std::to_string(*fromVersion) +
                       " and the destination at " + std::to_string(*toVersion) +
                       "; migrate both with the same kontalkctl first");
  }
  std::vector<CopiedTable> copied;
  auto imported = to.importTables([&](const TableBatchSink& write) {
    return from.exportTables(batchRows, [&](const TableBatch& batch) -> Result<void> {
      if (copied.empty() || copied.back().table != batch.table) {
        copied.push_back({batch.table, 0});
      }
      copied.back().rows += static_cast<std::int64_t>(batch.rows.size());
      return write(batch);
    });
  });
  if (!imported) return tl::unexpected(imported.error());
  return copied;
}

}  // namespace kontalk::storage
