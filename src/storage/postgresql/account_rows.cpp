#include "storage/postgresql/account_rows.hpp"

namespace kontalk::storage::postgresql {
namespace {

tl::unexpected<Status> noAccount(const std::string& username, const std::string& domain) {
  return failure(StatusCode::NotFound, "no account " + username + "@" + domain);
}

}  // namespace

Result<void> requireAccount(Connection& connection, const std::string& username,
                            const std::string& domain) {
  auto found =
      connection.query("SELECT 1 FROM accounts WHERE domain = $1 AND username = $2 FOR KEY SHARE",
                       Parameters().text(domain).text(username));
  if (!found) return tl::unexpected(found.error());
  if (found->count() == 0) return noAccount(username, domain);
  return {};
}

Result<void> writtenForAccount(const Result<Rows>& written, const std::string& username,
                               const std::string& domain) {
  if (written) return {};
  if (written.error().is(StatusCode::NotFound)) return noAccount(username, domain);
  return tl::unexpected(written.error());
}

}  // namespace kontalk::storage::postgresql
