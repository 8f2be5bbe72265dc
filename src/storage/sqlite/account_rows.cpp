#include "storage/sqlite/account_rows.hpp"

namespace kontalk::storage::sqlite {

Result<bool> accountExists(Database& database, const std::string& username,
                           const std::string& domain) {
  auto select = database.prepare("SELECT 1 FROM accounts WHERE domain = ? AND username = ?");
  if (!select) return tl::unexpected(select.error());
  select->bindText(1, domain);
  select->bindText(2, username);
  return select->step();
}

Result<void> requireAccount(Database& database, const std::string& username,
                            const std::string& domain) {
  auto exists = accountExists(database, username, domain);
  if (!exists) return tl::unexpected(exists.error());
  if (!*exists) return failure(StatusCode::NotFound, "no account " + username + "@" + domain);
  return {};
}

}  // namespace kontalk::storage::sqlite
