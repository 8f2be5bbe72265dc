#include "salted_password_cache.hpp"

#include <fstream>
#include <sstream>

#include "base/encoding.hpp"

namespace kontalk::bench {

tl::expected<SaltedPasswordCache, std::string> SaltedPasswordCache::load(const std::string& path) {
  std::ifstream file(path);
  if (!file) return tl::unexpected("cannot open " + path);
  SaltedPasswordCache cache;
  std::string line;
  for (std::size_t number = 1; std::getline(file, line); ++number) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string username, salt, salted;
    std::uint32_t iterations = 0;
    fields >> username >> iterations >> salt >> salted;
    auto saltBytes = base::base64Decode(salt);
    auto saltedBytes = base::base64Decode(salted);
    if (!fields || iterations == 0 || !saltBytes || !saltedBytes) {
      return tl::unexpected(path + ":" + std::to_string(number) + ": malformed line");
    }
    cache.entries_[username] = Entry{iterations, std::move(*saltBytes), std::move(*saltedBytes)};
  }
  return cache;
}

std::optional<std::string_view> SaltedPasswordCache::find(std::string_view username,
                                                          std::string_view salt,
                                                          std::uint32_t iterations) const {
  const auto found = entries_.find(std::string(username));
  if (found == entries_.end() || found->second.iterations != iterations ||
      found->second.salt != salt) {
    return std::nullopt;
  }
  return found->second.saltedPassword;
}

}  // namespace kontalk::bench
