#pragma once
// OpenPGP keys and a scratch directory for the pgp tests, made with librnp the way a Kontalk
// client makes its key: RSA, user id "Name <localpart@domain>".

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "pgp/packets.hpp"
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
  std::uint32_t subkeyBits = 0;  // 0: no subkey; else an RSA encryption subkey of this size
};

inline TestKey makeUserKey(const std::string& userId, TestKeyOptions options = {}) {
  auto ffi = rnp::makeFfi();
  if (!ffi) throw std::runtime_error(ffi.error().message);
  rnp_key_handle_t raw = nullptr;
  if (rnp_generate_key_rsa(ffi->get(), options.bits, options.subkeyBits, userId.c_str(), nullptr,
                           &raw) != RNP_SUCCESS) {
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

// `publicBinary` (a key with a subkey) with the left 16 bits of the last signature's hash (the
// subkey binding signature, RFC 4880 §5.2.3) flipped: librnp reports such a signature on
// standard error ("wrong lbits"), as it does for the Android client's cross-signature.
inline std::string withBrokenSubkeyBinding(const std::string& publicBinary) {
  auto split = packets::split(publicBinary);
  if (!split || split->size() < 2 || split->back().tag != packets::kSignature) {
    throw std::runtime_error("the key has no subkey binding signature last");
  }
  std::string rebuilt;
  for (std::size_t i = 0; i + 1 < split->size(); ++i) rebuilt.append((*split)[i].whole);
  std::string body(split->back().body);
  const auto byteAt = [&](std::size_t index) { return static_cast<unsigned char>(body.at(index)); };
  const std::size_t unhashed = 6 + ((byteAt(4) << 8) | byteAt(5));  // v4: after the hashed area
  const std::size_t lbits = unhashed + 2 + ((byteAt(unhashed) << 8) | byteAt(unhashed + 1));
  body.at(lbits) = static_cast<char>(byteAt(lbits) ^ 0xFF);
  return rebuilt + packets::frame(packets::kSignature, body);
}

// Collects what this process writes to standard error (file descriptor 2) while it lives.
class StandardErrorCapture {
 public:
  explicit StandardErrorCapture(const std::filesystem::path& file) : file_(file) {
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    const int capture = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(capture, STDERR_FILENO);
    ::close(capture);
  }
  ~StandardErrorCapture() { restore(); }
  StandardErrorCapture(const StandardErrorCapture&) = delete;
  StandardErrorCapture& operator=(const StandardErrorCapture&) = delete;

  // Stops capturing; returns what was written.
  std::string finish() {
    restore();
    std::ifstream in(file_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    saved_ = -1;
  }

  std::filesystem::path file_;
  int saved_ = -1;
};

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
