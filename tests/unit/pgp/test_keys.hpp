#pragma once
// OpenPGP keys and a scratch directory for the pgp tests, made with librnp the way a Kontalk
// client makes its key: RSA, user id "Name <localpart@domain>".

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>

#include "pgp/rnp_handles.hpp"

namespace kontalk::pgp::testing {

struct TestKey {
  std::string publicBinary;
  std::string secretBinary;
};

struct TestKeyOptions {
  std::uint32_t bits = 2048;
  std::uint32_t expiresAfter = 0;  // seconds after creation; 0 = never
  bool revoked = false;
};

inline TestKey makeUserKey(const std::string& userId, TestKeyOptions options = {}) {
  auto ffi = rnp::makeFfi();
  if (!ffi) throw std::runtime_error(ffi.error().message);
  rnp_key_handle_t raw = nullptr;
  if (rnp_generate_key_rsa(ffi->get(), options.bits, 0, userId.c_str(), nullptr, &raw) !=
      RNP_SUCCESS) {
    throw std::runtime_error("cannot generate a test key");
  }
  rnp::Key key(raw);
  // librnp gives new keys a default lifetime; Kontalk clients' keys usually never expire.
  if (rnp_key_set_expiration(key.get(), options.expiresAfter) != RNP_SUCCESS) {
    throw std::runtime_error("cannot set the expiration");
  }
  if (options.revoked && rnp_key_revoke(key.get(), 0, nullptr, nullptr, nullptr) != RNP_SUCCESS) {
    throw std::runtime_error("cannot revoke the test key");
  }
  TestKey result;
  result.publicBinary =
      rnp::exportKey(key.get(), RNP_KEY_EXPORT_PUBLIC | RNP_KEY_EXPORT_SUBKEYS).value();
  result.secretBinary =
      rnp::exportKey(key.get(), RNP_KEY_EXPORT_SECRET | RNP_KEY_EXPORT_SUBKEYS).value();
  return result;
}

class ScratchDirectory {
 public:
  ScratchDirectory() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("kontalk-pgp-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace kontalk::pgp::testing
