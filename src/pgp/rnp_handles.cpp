#include "pgp/rnp_handles.hpp"

namespace kontalk::pgp::rnp {

Result<Ffi> makeFfi() {
  rnp_ffi_t ffi = nullptr;
  if (rnp_ffi_create(&ffi, "GPG", "GPG") != RNP_SUCCESS)
    return fail("librnp: cannot create a key store");
  return Ffi(ffi);
}

Result<void> importKeys(rnp_ffi_t ffi, std::string_view data, bool secret) {
  rnp_input_t raw = nullptr;
  if (rnp_input_from_memory(&raw, reinterpret_cast<const std::uint8_t*>(data.data()), data.size(),
                            false) != RNP_SUCCESS) {
    return fail("librnp: cannot read key data");
  }
  Input input(raw);
  std::uint32_t flags = RNP_LOAD_SAVE_PUBLIC_KEYS;
  if (secret) flags |= RNP_LOAD_SAVE_SECRET_KEYS;
  if (rnp_import_keys(ffi, input.get(), flags, nullptr) != RNP_SUCCESS) {
    return fail("librnp: not an OpenPGP key");
  }
  return {};
}

Result<Key> locateByFingerprint(rnp_ffi_t ffi, const std::string& fingerprint) {
  rnp_key_handle_t key = nullptr;
  if (rnp_locate_key(ffi, "fingerprint", fingerprint.c_str(), &key) != RNP_SUCCESS ||
      key == nullptr) {
    return fail("librnp: key " + fingerprint + " not found");
  }
  return Key(key);
}

Result<std::string> exportKey(rnp_key_handle_t key, std::uint32_t flags) {
  rnp_output_t raw = nullptr;
  if (rnp_output_to_memory(&raw, 0) != RNP_SUCCESS) return fail("librnp: cannot allocate output");
  Output output(raw);
  if (rnp_key_export(key, output.get(), flags) != RNP_SUCCESS)
    return fail("librnp: cannot export key");
  std::uint8_t* data = nullptr;
  std::size_t size = 0;
  if (rnp_output_memory_get_buf(output.get(), &data, &size, false) != RNP_SUCCESS) {
    return fail("librnp: cannot read exported key");
  }
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace kontalk::pgp::rnp
