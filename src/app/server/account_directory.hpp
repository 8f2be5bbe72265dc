#pragma once
// api::AccountDirectory over the server's account and key stores.
//
// Threading: blocks on storage (callers are on workers); thread-safe like the stores.

#include "api/account_directory.hpp"
#include "storage/storage.hpp"

namespace kontalk::app {

class StorageAccountDirectory final : public api::AccountDirectory {
 public:
  explicit StorageAccountDirectory(storage::Storage& storage) : storage_(storage) {}

  Result<std::optional<api::AccountInfo>> find(const xmpp::Jid& account) override;
  Result<std::optional<api::AccountKey>> currentKey(const xmpp::Jid& account) override;

 private:
  storage::Storage& storage_;
};

}  // namespace kontalk::app
