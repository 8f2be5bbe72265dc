#pragma once
// Precomputed SCRAM SaltedPassword values per account. RFC 5802 §5.1 lets a client cache
// SaltedPassword for a (salt, iteration count) pair; the benchmark's account set-up writes the
// values it derived, so that the generator does not spend one PBKDF2 per login and the login
// storm measures the server rather than the generator. A login whose challenge carries another
// salt or count simply computes the value.
//
// File format, one account per line: "username iterations salt-base64 saltedpassword-base64".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <tl/expected.hpp>

namespace kontalk::bench {

class SaltedPasswordCache {
 public:
  // Reads the file; an error text names the first bad line.
  static tl::expected<SaltedPasswordCache, std::string> load(const std::string& path);

  // The cached SaltedPassword (raw bytes) when `salt` (raw bytes) and `iterations` match.
  std::optional<std::string_view> find(std::string_view username, std::string_view salt,
                                       std::uint32_t iterations) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::uint32_t iterations = 0;
    std::string salt;
    std::string saltedPassword;
  };
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace kontalk::bench
