#pragma once
#include <string>

#include <tl/expected.hpp>

namespace kontalk::storage {

enum class StorageErrorKind { NotFound, Conflict, Backend };

struct StorageError {
  StorageErrorKind kind;
  std::string message;  // for logs; never sent to peers
};

template <typename T>
using Result = tl::expected<T, StorageError>;

inline tl::unexpected<StorageError> fail(StorageErrorKind kind, std::string message) {
  return tl::unexpected<StorageError>(StorageError{kind, std::move(message)});
}

}  // namespace kontalk::storage
