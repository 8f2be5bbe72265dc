#pragma once
// RAII owners for librnp handles (ARCHITECTURE.md §10) and the few calls every user of librnp in
// this directory repeats. Internal to src/pgp.
// Threading: the functions may be called from any thread; every caller makes its own key store
// (makeFfi) and keeps it and its handles to itself.

#include <memory>
#include <string>
#include <string_view>

#include <rnp/rnp.h>
#include <rnp/rnp_err.h>

#include "pgp/result.hpp"

namespace kontalk::pgp::rnp {

struct FfiDeleter {
  void operator()(rnp_ffi_t ffi) const { rnp_ffi_destroy(ffi); }
};
struct InputDeleter {
  void operator()(rnp_input_t input) const { rnp_input_destroy(input); }
};
struct OutputDeleter {
  void operator()(rnp_output_t output) const { rnp_output_destroy(output); }
};
struct KeyDeleter {
  void operator()(rnp_key_handle_t key) const { rnp_key_handle_destroy(key); }
};
struct UidDeleter {
  void operator()(rnp_uid_handle_t uid) const { rnp_uid_handle_destroy(uid); }
};
struct SignatureDeleter {
  void operator()(rnp_signature_handle_t signature) const {
    rnp_signature_handle_destroy(signature);
  }
};
struct BufferDeleter {
  void operator()(char* buffer) const { rnp_buffer_destroy(buffer); }
};

using Ffi = std::unique_ptr<rnp_ffi_st, FfiDeleter>;
using Input = std::unique_ptr<rnp_input_st, InputDeleter>;
using Output = std::unique_ptr<rnp_output_st, OutputDeleter>;
using Key = std::unique_ptr<rnp_key_handle_st, KeyDeleter>;
using Uid = std::unique_ptr<rnp_uid_handle_st, UidDeleter>;
using Signature = std::unique_ptr<rnp_signature_handle_st, SignatureDeleter>;
using Buffer = std::unique_ptr<char, BufferDeleter>;

// A fresh, empty key store ("GPG" format: the format of the key packets, RFC 4880).
Result<Ffi> makeFfi();

// Imports every key of `data` (binary or armored); `secret` also imports secret keys.
Result<void> importKeys(rnp_ffi_t ffi, std::string_view data, bool secret);

// The key with this fingerprint (40 hex), or an error.
Result<Key> locateByFingerprint(rnp_ffi_t ffi, const std::string& fingerprint);

// Calls `get` into an rnp-allocated string and takes ownership of it.
template <typename Get>
Result<std::string> string(Get&& get, std::string_view what) {
  char* raw = nullptr;
  if (get(&raw) != RNP_SUCCESS || raw == nullptr)
    return fail("librnp: cannot read " + std::string(what));
  Buffer owned(raw);
  return std::string(owned.get());
}

// Exports `key` with `flags` (RNP_KEY_EXPORT_*) into memory.
Result<std::string> exportKey(rnp_key_handle_t key, std::uint32_t flags);

}  // namespace kontalk::pgp::rnp
