#include "pgp/packets.hpp"

#include <openssl/sha.h>

namespace kontalk::pgp::packets {
namespace {

std::uint32_t byteAt(std::string_view data, std::size_t index) {
  return static_cast<unsigned char>(data[index]);
}

// RSA (encrypt or sign), RSA encrypt-only, RSA sign-only (RFC 4880 §9.1).
bool isRsa(std::uint32_t algorithm) {
  return algorithm == 1 || algorithm == 2 || algorithm == 3;
}

}  // namespace

Result<std::vector<Packet>> split(std::string_view data) {
  std::vector<Packet> packets;
  std::size_t offset = 0;
  while (offset < data.size()) {
    const std::size_t start = offset;
    const std::uint32_t first = byteAt(data, offset++);
    if ((first & 0x80) == 0) return fail("OpenPGP: not a packet header");
    Packet packet;
    std::size_t length = 0;
    auto need = [&](std::size_t count) { return data.size() - offset >= count; };
    if ((first & 0x40) != 0) {  // new format (§4.2.2)
      packet.tag = static_cast<int>(first & 0x3f);
      if (!need(1)) return fail("OpenPGP: truncated packet length");
      const std::uint32_t octet = byteAt(data, offset++);
      if (octet < 192) {
        length = octet;
      } else if (octet < 224) {
        if (!need(1)) return fail("OpenPGP: truncated packet length");
        length = ((octet - 192) << 8) + byteAt(data, offset++) + 192;
      } else if (octet == 255) {
        if (!need(4)) return fail("OpenPGP: truncated packet length");
        length = (byteAt(data, offset) << 24) | (byteAt(data, offset + 1) << 16) |
                 (byteAt(data, offset + 2) << 8) | byteAt(data, offset + 3);
        offset += 4;
      } else {
        return fail("OpenPGP: partial body lengths are not allowed in keys");
      }
    } else {  // old format (§4.2.1)
      packet.tag = static_cast<int>((first >> 2) & 0x0f);
      const std::uint32_t lengthType = first & 0x03;
      if (lengthType == 3) return fail("OpenPGP: indeterminate packet length");
      const std::size_t octets = std::size_t{1} << lengthType;
      if (!need(octets)) return fail("OpenPGP: truncated packet length");
      for (std::size_t i = 0; i < octets; ++i) length = (length << 8) | byteAt(data, offset++);
    }
    if (!need(length)) return fail("OpenPGP: truncated packet body");
    packet.body = data.substr(offset, length);
    offset += length;
    packet.whole = data.substr(start, offset - start);
    packets.push_back(packet);
  }
  return packets;
}

KeyExtent firstKeyExtent(const std::vector<Packet>& packets) {
  KeyExtent extent{packets.size(), packets.size()};
  for (std::size_t index = 1; index < packets.size(); ++index) {
    const int tag = packets[index].tag;
    if (tag == kPublicKey || tag == kSecretKey) {
      extent.end = index;
      break;
    }
    if (tag == kPublicSubkey && extent.subkeys == packets.size()) extent.subkeys = index;
  }
  if (extent.subkeys > extent.end) extent.subkeys = extent.end;
  return extent;
}

std::string frame(int tag, std::string_view body) {
  std::string out;
  out.push_back(static_cast<char>(0xC0 | tag));
  // Always the five-octet form: simple, and valid for every length (§4.2.2.3).
  out.push_back(static_cast<char>(0xFF));
  appendUint32(out, static_cast<std::uint32_t>(body.size()));
  out.append(body);
  return out;
}

Result<std::string> readMpi(std::string_view body, std::size_t& offset) {
  if (offset > body.size() || body.size() - offset < 2) return fail("OpenPGP: truncated MPI");
  const std::size_t bits = (byteAt(body, offset) << 8) | byteAt(body, offset + 1);
  const std::size_t bytes = (bits + 7) / 8;
  if (body.size() - offset - 2 < bytes) return fail("OpenPGP: truncated MPI");
  std::string_view magnitude = body.substr(offset + 2, bytes);
  offset += 2 + bytes;
  while (!magnitude.empty() && magnitude.front() == '\0') magnitude.remove_prefix(1);
  return std::string(magnitude);
}

std::string writeMpi(std::string_view magnitude) {
  while (!magnitude.empty() && magnitude.front() == '\0') magnitude.remove_prefix(1);
  std::size_t bits = magnitude.size() * 8;
  if (!magnitude.empty()) {
    for (unsigned char top = static_cast<unsigned char>(magnitude.front()); (top & 0x80) == 0;
         top <<= 1) {
      --bits;
    }
  }
  std::string out;
  appendUint16(out, static_cast<std::uint32_t>(bits));
  out.append(magnitude);
  return out;
}

Result<RsaPublicKey> readRsaPublicKey(std::string_view keyBody) {
  if (keyBody.size() < 6) return fail("OpenPGP: truncated key packet");
  if (byteAt(keyBody, 0) != 4) return fail("OpenPGP: only v4 keys are supported");
  RsaPublicKey key;
  key.creationTime = (byteAt(keyBody, 1) << 24) | (byteAt(keyBody, 2) << 16) |
                     (byteAt(keyBody, 3) << 8) | byteAt(keyBody, 4);
  if (!isRsa(byteAt(keyBody, 5))) return fail("OpenPGP: primary key is not RSA");
  std::size_t offset = 6;
  auto modulus = readMpi(keyBody, offset);
  if (!modulus) return tl::unexpected(modulus.error());
  auto exponent = readMpi(keyBody, offset);
  if (!exponent) return tl::unexpected(exponent.error());
  key.modulus = std::move(*modulus);
  key.exponent = std::move(*exponent);
  key.length = offset;
  return key;
}

std::string fingerprintV4(std::string_view publicKeyBody) {
  std::string hashed("\x99");
  appendUint16(hashed, static_cast<std::uint32_t>(publicKeyBody.size()));
  hashed.append(publicKeyBody);
  std::string digest(SHA_DIGEST_LENGTH, '\0');
  SHA1(reinterpret_cast<const unsigned char*>(hashed.data()), hashed.size(),
       reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string upperHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char byte : bytes) {
    out.push_back(kDigits[(static_cast<unsigned char>(byte) >> 4) & 0x0f]);
    out.push_back(kDigits[static_cast<unsigned char>(byte) & 0x0f]);
  }
  return out;
}

void appendUint16(std::string& out, std::uint32_t value) {
  out.push_back(static_cast<char>((value >> 8) & 0xff));
  out.push_back(static_cast<char>(value & 0xff));
}

void appendUint32(std::string& out, std::uint32_t value) {
  out.push_back(static_cast<char>((value >> 24) & 0xff));
  out.push_back(static_cast<char>((value >> 16) & 0xff));
  out.push_back(static_cast<char>((value >> 8) & 0xff));
  out.push_back(static_cast<char>(value & 0xff));
}

}  // namespace kontalk::pgp::packets
