#include "storage/postgresql/postgres_upload_store.hpp"

#include <algorithm>
#include <limits>

namespace kontalk::storage::postgresql {
namespace {

// The first key of the advisory locks that serialize one owner's slot requests (the second is a
// hash of the owner); the two-key lock space is apart from any single-key lock.
constexpr std::int64_t kOwnerLockSpace = 0x75706c64;  // "upld"

// A changing statement on one slot: whether it changed it.
Result<bool> changedOne(Result<Rows> rows) {
  if (!rows) return tl::unexpected(rows.error());
  return rows->affected() == 1;
}

std::int64_t clampedToInt64(std::uint64_t value) {
  return static_cast<std::int64_t>(
      std::min<std::uint64_t>(value, std::numeric_limits<std::int64_t>::max()));
}

}  // namespace

Result<SlotRefusal> PostgresUploadStore::createSlot(const UploadRow& slot, std::uint64_t quota,
                                                    std::size_t maxUnused,
                                                    std::int64_t unusedSince) {
  return pool_.withConnection([&](Connection& connection) -> Result<SlotRefusal> {
    // Two requests of one user at once must not both pass the checks: the owner's lock is taken
    // in a statement of its own, so that the counts below (READ COMMITTED: a snapshot per
    // statement) see what the previous holder committed.
    auto transaction = Transaction::begin(connection);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto locked = connection.query("SELECT pg_advisory_xact_lock($1::integer, hashtext($2))",
                                       Parameters().int64(kOwnerLockSpace).text(slot.owner));
        !locked) {
      return tl::unexpected(locked.error());
    }
    auto held = connection.query(
        "SELECT COALESCE(SUM(size) FILTER (WHERE state = 2), 0)::bigint, "
        "COUNT(*) FILTER (WHERE state <> 2 AND created_at > $2) "
        "FROM upload_slots WHERE owner = $1",
        Parameters().text(slot.owner).int64(unusedSince));
    if (!held) return tl::unexpected(held.error());
    if (static_cast<std::uint64_t>(held->int64(0, 0)) + slot.size > quota) {
      return SlotRefusal::Quota;
    }
    if (static_cast<std::size_t>(held->int64(0, 1)) >= maxUnused) {
      return SlotRefusal::TooManySlots;
    }
    if (auto inserted = connection.query(
            "INSERT INTO upload_slots (id, owner, name, content_type, size, state, created_at, "
            "stored_at) VALUES ($1, $2, $3, $4, $5, 0, $6, 0)",
            Parameters()
                .text(slot.id)
                .text(slot.owner)
                .text(slot.name)
                .text(slot.contentType)
                .int64(static_cast<std::int64_t>(slot.size))
                .int64(slot.createdAt));
        !inserted) {
      return tl::unexpected(inserted.error());
    }
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return SlotRefusal::None;
  });
}

Result<std::optional<UploadRow>> PostgresUploadStore::find(const std::string& id) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::optional<UploadRow>> {
    auto rows = connection.query(
        "SELECT owner, name, content_type, size, state, created_at, stored_at FROM upload_slots "
        "WHERE id = $1",
        Parameters().text(id));
    if (!rows) return tl::unexpected(rows.error());
    if (rows->count() == 0) return std::nullopt;
    UploadRow upload;
    upload.id = id;
    upload.owner = rows->text(0, 0);
    upload.name = rows->text(0, 1);
    upload.contentType = rows->text(0, 2);
    upload.size = static_cast<std::uint64_t>(rows->int64(0, 3));
    upload.state = static_cast<UploadState>(rows->int64(0, 4));
    upload.createdAt = rows->int64(0, 5);
    upload.storedAt = rows->int64(0, 6);
    return upload;
  });
}

Result<bool> PostgresUploadStore::startReceiving(const std::string& id) {
  return pool_.withConnection([&](Connection& connection) {
    return changedOne(connection.query(
        "UPDATE upload_slots SET state = 1 WHERE id = $1 AND state = 0", Parameters().text(id)));
  });
}

Result<void> PostgresUploadStore::abandon(const std::string& id) {
  return pool_.withConnection([&](Connection& connection) -> Result<void> {
    auto updated = connection.query("UPDATE upload_slots SET state = 0 WHERE id = $1 AND state = 1",
                                    Parameters().text(id));
    if (!updated) return tl::unexpected(updated.error());
    return {};
  });
}

Result<bool> PostgresUploadStore::markStored(const std::string& id, std::int64_t now,
                                             const std::string& contentType) {
  return pool_.withConnection([&](Connection& connection) {
    return changedOne(connection.query(
        "UPDATE upload_slots SET state = 2, stored_at = $1, content_type = CASE WHEN "
        "content_type = '' THEN $2 ELSE content_type END WHERE id = $3 AND state = 1",
        Parameters().int64(now).text(contentType).text(id)));
  });
}

Result<std::vector<std::string>> PostgresUploadStore::expire(std::int64_t storedBefore,
                                                             std::uint64_t softQuota,
                                                             std::int64_t unusedBefore) {
  // One statement: every stored file, each owner's newest first, with a running total of the
  // owner's files that are not too old; a file goes when it is too old or the total reaches
  // past the soft quota with it (the owner's oldest files). Slots without a file go when
  // created before unusedBefore. The ids of the deleted files come back in SQLite's order.
  return pool_.withConnection([&](Connection& connection) -> Result<std::vector<std::string>> {
    auto rows = connection.query(
        R"sql(
WITH stored AS (
  SELECT id, stored_at < $1 AS too_old,
         SUM(size) FILTER (WHERE stored_at >= $1) OVER (
           PARTITION BY owner ORDER BY stored_at DESC, id COLLATE "C"
           ROWS UNBOUNDED PRECEDING) AS total
  FROM upload_slots WHERE state = 2
), doomed AS (
  DELETE FROM upload_slots AS slots USING stored
  WHERE slots.id = stored.id AND (stored.too_old OR stored.total > $2)
  RETURNING slots.id, slots.owner, slots.stored_at
), unused AS (
  DELETE FROM upload_slots WHERE state <> 2 AND created_at < $3
)
SELECT id FROM doomed ORDER BY owner COLLATE "C", stored_at DESC, id COLLATE "C")sql",
        Parameters().int64(storedBefore).int64(clampedToInt64(softQuota)).int64(unusedBefore));
    if (!rows) return tl::unexpected(rows.error());
    std::vector<std::string> doomed;
    doomed.reserve(static_cast<std::size_t>(rows->count()));
    for (int row = 0; row < rows->count(); ++row) doomed.push_back(rows->text(row, 0));
    return doomed;
  });
}

}  // namespace kontalk::storage::postgresql
