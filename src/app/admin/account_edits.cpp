#include "app/admin/account_edits.hpp"

#include <chrono>
#include <istream>

#include "stream/sasl/scram.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::admin {
namespace {

// Both SCRAM variants the server offers, from one password.
Result<storage::Account> withPassword(std::string_view domain, const std::string& localpart,
                                      std::string_view password) {
  if (password.empty() || password.size() > kMaxPasswordBytes) {
    return failure(StatusCode::InvalidArgument,
                   "a password has 1 to " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
  storage::Account account;
  account.username = localpart;
  account.domain = std::string(domain);
  account.scramSha1 = sasl::deriveScramCredentials(sasl::ScramHash::Sha1, password);
  account.scramSha256 = sasl::deriveScramCredentials(sasl::ScramHash::Sha256, password);
  if (!account.scramSha1 || !account.scramSha256) {
    return failure(StatusCode::InvalidArgument,
                   "the password contains characters SASLprep (RFC 4013) does not allow");
  }
  return account;
}

std::string jidOf(std::string_view domain, const std::string& localpart) {
  return localpart + "@" + std::string(domain);
}

}  // namespace

Result<std::string> localpartIn(std::string_view domain, const std::string& text) {
  auto jid = xmpp::Jid::parse(text);
  auto served = xmpp::Jid::parse(domain);
  if (!jid || !jid->isBare() || jid->local().empty()) {
    return failure(StatusCode::InvalidArgument,
                   "\"" + text + "\" is not a bare JID like user@" + std::string(domain));
  }
  if (!served || jid->domain() != served->domain()) {
    return failure(StatusCode::InvalidArgument,
                   text + " is not in this server's domain " + std::string(domain));
  }
  return jid->local();
}

Result<std::string> readPasswordLine(std::istream& input) {
  std::string password;
  std::getline(input, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty() || password.size() > kMaxPasswordBytes) {
    return failure(StatusCode::InvalidArgument, "give a password of 1 to " +
                                                    std::to_string(kMaxPasswordBytes) +
                                                    " bytes on standard input");
  }
  return password;
}

Result<void> createAccount(storage::Storage& storage, std::string_view domain,
                           const std::string& localpart, std::string_view password) {
  auto account = withPassword(domain, localpart, password);
  if (!account) return tl::unexpected(account.error());
  account->createdAt = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  auto created = storage.accounts().create(*account);
  if (!created && created.error().code == StatusCode::AlreadyExists) {
    return failure(StatusCode::AlreadyExists, jidOf(domain, localpart) + " already exists");
  }
  if (!created) return failure(created.error(), "cannot add " + jidOf(domain, localpart));
  return {};
}

Result<void> changePassword(storage::Storage& storage, std::string_view domain,
                            const std::string& localpart, std::string_view password) {
  auto account = withPassword(domain, localpart, password);
  if (!account) return tl::unexpected(account.error());
  auto changed = storage.accounts().setCredentials(*account);
  if (!changed && changed.error().code == StatusCode::NotFound) {
    return failure(StatusCode::NotFound, jidOf(domain, localpart) + " does not exist");
  }
  if (!changed) {
    return failure(changed.error(), "cannot change the password of " + jidOf(domain, localpart));
  }
  return {};
}

Result<void> removeAccount(storage::Storage& storage, std::string_view domain,
                           const std::string& localpart) {
  auto removed = storage.accounts().remove(localpart, std::string(domain));
  if (!removed && removed.error().code == StatusCode::NotFound) {
    return failure(StatusCode::NotFound, jidOf(domain, localpart) + " does not exist");
  }
  if (!removed) return failure(removed.error(), "cannot remove " + jidOf(domain, localpart));
  return {};
}

}  // namespace kontalk::admin
