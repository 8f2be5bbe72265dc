#include "base/encoding.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <stdexcept>

namespace kontalk::base {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t kInvalid = 0xff;

constexpr std::array<std::uint8_t, 256> makeBase64DecodeTable() {
  std::array<std::uint8_t, 256> table{};
  table.fill(kInvalid);
  for (std::size_t i = 0; i < kBase64Alphabet.size(); ++i) {
    table[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}
constexpr auto kBase64DecodeTable = makeBase64DecodeTable();

std::uint8_t sextet(char c) {
  return kBase64DecodeTable[static_cast<unsigned char>(c)];
}

}  // namespace

std::string base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group =
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
        static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64Alphabet[group >> 18 & 0x3f];
    out += kBase64Alphabet[group >> 12 & 0x3f];
    out += kBase64Alphabet[group >> 6 & 0x3f];
    out += kBase64Alphabet[group & 0x3f];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) {
      group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    }
    out += kBase64Alphabet[group >> 18 & 0x3f];
    out += kBase64Alphabet[group >> 12 & 0x3f];
    out += rest == 2 ? kBase64Alphabet[group >> 6 & 0x3f] : '=';
    out += '=';
  }
  return out;
}

// RFC 4648 §3.5: a decoder may reject non-canonical input; we do, because SASL (RFC 6120 §6.4.2)
// requires rejecting anything but the canonical encoding, including non-zero pad bits.
std::optional<std::string> base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::size_t padding = 0;
    if (last) {
      if (text[i + 3] == '=') padding = text[i + 2] == '=' ? 2 : 1;
    }
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 4 - padding; ++j) {
      const std::uint8_t value = sextet(text[i + j]);
      if (value == kInvalid) return std::nullopt;  // also catches '=' in the middle
      group |= static_cast<std::uint32_t>(value) << (18 - 6 * j);
    }
    out += static_cast<char>(group >> 16 & 0xff);
    if (padding < 2) out += static_cast<char>(group >> 8 & 0xff);
    if (padding < 1) out += static_cast<char>(group & 0xff);
    // Bits below the last decoded byte must be zero for the encoding to be canonical.
    const std::uint32_t unusedBits = padding == 2 ? 0xffff : padding == 1 ? 0xff : 0;
    if ((group & unusedBits) != 0) return std::nullopt;
  }
  return out;
}

std::string hexEncode(std::string_view bytes) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    out += kDigits[value >> 4];
    out += kDigits[value & 0x0f];
  }
  return out;
}

std::string randomBytes(std::size_t count) {
  std::string out(count, '\0');
  if (count == 0) return out;
  // RAND_bytes fails only when the CSPRNG cannot be seeded: no safe way to continue.
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("RAND_bytes failed: no entropy source");
  }
  return out;
}

std::string randomAlphanumeric(std::size_t length) {
  constexpr std::string_view kAlphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  // Rejection sampling keeps the distribution uniform: 62 does not divide 256, so bytes >= 248
  // (= 4 * 62) are discarded rather than folded onto the first letters.
  constexpr unsigned kLimit = 256 - 256 % kAlphabet.size();
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    for (const char byte : randomBytes(length - out.size() + 8)) {
      const auto value = static_cast<unsigned char>(byte);
      if (value >= kLimit) continue;
      out += kAlphabet[value % kAlphabet.size()];
      if (out.size() == length) break;
    }
  }
  return out;
}

}  // namespace kontalk::base
