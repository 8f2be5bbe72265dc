#include "storage/sqlite/sqlite_upload_store.hpp"

namespace kontalk::storage::sqlite {
namespace {

constexpr auto kStored = static_cast<std::int64_t>(UploadState::Stored);

// One integer the query returns (a COUNT or SUM).
Result<std::int64_t> scalar(Statement& query) {
  auto row = query.step();
  if (!row) return tl::unexpected(row.error());
  return *row ? query.columnInt64(0) : 0;
}

// A statement that changes rows: how many it changed.
Result<std::int64_t> changed(Database& database, Statement& statement) {
  if (auto done = statement.run(); !done) return tl::unexpected(done.error());
  return database.changes();
}

}  // namespace

Result<SlotRefusal> SqliteUploadStore::createSlot(const UploadRow& slot, std::uint64_t quota,
                                                  std::size_t maxUnused, std::int64_t unusedSince) {
  return database_.withDatabase([&](Database& database) -> Result<SlotRefusal> {
    // One transaction: two requests of one user at once cannot both pass the checks.
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    auto stored = database.prepare(
        "SELECT COALESCE(SUM(size), 0) FROM upload_slots WHERE owner = ? AND state = ?");
    if (!stored) return tl::unexpected(stored.error());
    stored->bindText(1, slot.owner);
    stored->bindInt64(2, kStored);
    auto bytes = scalar(*stored);
    if (!bytes) return tl::unexpected(bytes.error());
    if (static_cast<std::uint64_t>(*bytes) + slot.size > quota) return SlotRefusal::Quota;
    auto unused = database.prepare(
        "SELECT COUNT(*) FROM upload_slots WHERE owner = ? AND state <> ? AND created_at > ?");
    if (!unused) return tl::unexpected(unused.error());
    unused->bindText(1, slot.owner);
    unused->bindInt64(2, kStored);
    unused->bindInt64(3, unusedSince);
    auto count = scalar(*unused);
    if (!count) return tl::unexpected(count.error());
    if (static_cast<std::size_t>(*count) >= maxUnused) return SlotRefusal::TooManySlots;
    auto insert = database.prepare(
        "INSERT INTO upload_slots (id, owner, name, content_type, size, state, created_at, "
        "stored_at) VALUES (?, ?, ?, ?, ?, 0, ?, 0)");
    if (!insert) return tl::unexpected(insert.error());
    insert->bindText(1, slot.id);
    insert->bindText(2, slot.owner);
    insert->bindText(3, slot.name);
    insert->bindText(4, slot.contentType);
    insert->bindInt64(5, static_cast<std::int64_t>(slot.size));
    insert->bindInt64(6, slot.createdAt);
    if (auto done = insert->run(); !done) return tl::unexpected(done.error());
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return SlotRefusal::None;
  });
}

Result<std::optional<UploadRow>> SqliteUploadStore::find(const std::string& id) {
  return database_.withDatabase([&](Database& database) -> Result<std::optional<UploadRow>> {
    auto select = database.prepare(
        "SELECT owner, name, content_type, size, state, created_at, stored_at FROM upload_slots "
        "WHERE id = ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, id);
    auto row = select->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return std::nullopt;
    UploadRow upload;
    upload.id = id;
    upload.owner = select->columnText(0);
    upload.name = select->columnText(1);
    upload.contentType = select->columnText(2);
    upload.size = static_cast<std::uint64_t>(select->columnInt64(3));
    upload.state = static_cast<UploadState>(select->columnInt64(4));
    upload.createdAt = select->columnInt64(5);
    upload.storedAt = select->columnInt64(6);
    return upload;
  });
}

Result<bool> SqliteUploadStore::startReceiving(const std::string& id) {
  return database_.withDatabase([&](Database& database) -> Result<bool> {
    auto update = database.prepare("UPDATE upload_slots SET state = 1 WHERE id = ? AND state = 0");
    if (!update) return tl::unexpected(update.error());
    update->bindText(1, id);
    auto rows = changed(database, *update);
    if (!rows) return tl::unexpected(rows.error());
    return *rows == 1;
  });
}

Result<void> SqliteUploadStore::abandon(const std::string& id) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto update = database.prepare("UPDATE upload_slots SET state = 0 WHERE id = ? AND state = 1");
    if (!update) return tl::unexpected(update.error());
    update->bindText(1, id);
    return update->run();
  });
}

Result<bool> SqliteUploadStore::markStored(const std::string& id, std::int64_t now,
                                           const std::string& contentType) {
  return database_.withDatabase([&](Database& database) -> Result<bool> {
    auto update = database.prepare(
        "UPDATE upload_slots SET state = 2, stored_at = ?, content_type = CASE WHEN "
        "content_type = '' THEN ? ELSE content_type END WHERE id = ? AND state = 1");
    if (!update) return tl::unexpected(update.error());
    update->bindInt64(1, now);
    update->bindText(2, contentType);
    update->bindText(3, id);
    auto rows = changed(database, *update);
    if (!rows) return tl::unexpected(rows.error());
    return *rows == 1;
  });
}

Result<std::vector<std::string>> SqliteUploadStore::expire(std::int64_t storedBefore,
                                                           std::uint64_t softQuota,
                                                           std::int64_t unusedBefore) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<std::string>> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    // Every stored file, each owner's newest first: a running total per owner finds the files
    // beyond the soft quota (the oldest ones) in one pass.
    auto select = database.prepare(
        "SELECT id, owner, size, stored_at FROM upload_slots WHERE state = ? "
        "ORDER BY owner, stored_at DESC, id");
    if (!select) return tl::unexpected(select.error());
    select->bindInt64(1, kStored);
    std::vector<std::string> doomed;
    std::string owner;
    std::uint64_t total = 0;
    for (;;) {
      auto row = select->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      if (select->columnText(1) != owner) {
        owner = select->columnText(1);
        total = 0;
      }
      const auto size = static_cast<std::uint64_t>(select->columnInt64(2));
      if (select->columnInt64(3) < storedBefore) {
        doomed.push_back(select->columnText(0));
        continue;  // too old: it goes, and counts for nothing
      }
      total += size;
      if (total > softQuota) doomed.push_back(select->columnText(0));
    }
    auto remove = database.prepare("DELETE FROM upload_slots WHERE id = ?");
    if (!remove) return tl::unexpected(remove.error());
    for (const auto& id : doomed) {
      remove->reset();
      remove->bindText(1, id);
      if (auto done = remove->run(); !done) return tl::unexpected(done.error());
    }
    auto unused = database.prepare("DELETE FROM upload_slots WHERE state <> ? AND created_at < ?");
    if (!unused) return tl::unexpected(unused.error());
    unused->bindInt64(1, kStored);
    unused->bindInt64(2, unusedBefore);
    if (auto done = unused->run(); !done) return tl::unexpected(done.error());
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return doomed;
  });
}

}  // namespace kontalk::storage::sqlite
