#include "app/server/account_directory.hpp"

namespace kontalk::app {

Result<std::optional<api::AccountInfo>> StorageAccountDirectory::find(const xmpp::Jid& account) {
  auto found = storage_.accounts().find(account.local(), account.domain());
  if (!found) return tl::unexpected(found.error());
  if (!*found) return std::nullopt;
  return api::AccountInfo{(*found)->createdAt};
}

Result<std::optional<api::AccountKey>> StorageAccountDirectory::currentKey(
    const xmpp::Jid& account) {
  auto key = storage_.keys().currentKey(account.local(), account.domain());
  if (!key) return tl::unexpected(key.error());
  if (!*key) return std::nullopt;
  return api::AccountKey{(*key)->fingerprint, (*key)->keyBinary};
}

}  // namespace kontalk::app
