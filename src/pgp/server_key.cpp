#include "pgp/server_key.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>

#include "base/unix_time.hpp"
#include "pgp/certification.hpp"
#include "pgp/packets.hpp"
#include "pgp/rnp_handles.hpp"
#include "pgp/rsa_key.hpp"

namespace kontalk::pgp {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kKeyBits = 3072;
constexpr std::size_t kMaxSecretKeyFile = 64 * 1024;

// Certification signature types a server certification may have (spec §0, §1).
bool isCertificationType(std::string_view type) {
  return type == "certification (generic)" || type == "certification (persona)" ||
         type == "certification (casual)" || type == "certification (positive)";
}

// Creates `path` with `mode` from the start (never readable by others, not even briefly), and
// refuses to replace an existing file.
Result<void> writeNewFile(const fs::path& path, std::string_view data, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return fail("cannot create " + path.string() + " (does it exist already?)");
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n <= 0) {
      ::close(fd);
      return fail("cannot write " + path.string());
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return fail("cannot write " + path.string());
  return {};
}

Result<std::string> readSecretFile(const fs::path& path) {
  std::error_code error;
  const auto status = fs::status(path, error);
  if (error || !fs::is_regular_file(status)) return fail("no server key file " + path.string());
  // A secret readable by others is a leaked secret; refuse rather than use it.
  if ((status.permissions() & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none) {
    return fail("server key file " + path.string() + " must have mode 0600");
  }
  if (fs::file_size(path, error) > kMaxSecretKeyFile || error) {
    return fail("server key file " + path.string() + " is too large");
  }
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) return fail("cannot read " + path.string());
  return data;
}

}  // namespace

struct ServerKey::Material {
  EvpKey secret;
  std::string publicKeyBody;  // the primary key packet body, public part (RFC 4880 §5.5.2)
  PublicKey publicKey;
};

ServerKey::ServerKey(std::unique_ptr<Material> material) : material_(std::move(material)) {}
ServerKey::ServerKey(ServerKey&&) noexcept = default;
ServerKey& ServerKey::operator=(ServerKey&&) noexcept = default;
ServerKey::~ServerKey() = default;

fs::path ServerKey::publicKeyFile(const fs::path& secretKeyFile) {
  fs::path file = secretKeyFile;
  file.replace_extension(".pub.asc");
  return file;
}

Result<void> ServerKey::generate(const fs::path& secretKeyFile, const std::string& domain) {
  const fs::path publicFile = publicKeyFile(secretKeyFile);
  if (fs::exists(secretKeyFile) || fs::exists(publicFile)) {
    return fail("server key files exist already: " + secretKeyFile.string());
  }
  auto ffi = rnp::makeFfi();
  if (!ffi) return tl::unexpected(ffi.error());
  const std::string userId = "Kontalk server <" + domain + ">";
  rnp_key_handle_t rawKey = nullptr;
  // No passphrase: the server must start unattended; the file mode protects the secret.
  if (rnp_generate_key_rsa(ffi->get(), kKeyBits, 0, userId.c_str(), nullptr, &rawKey) !=
      RNP_SUCCESS) {
    return fail("librnp: cannot generate the server key");
  }
  rnp::Key key(rawKey);
  // librnp gives new keys a default lifetime; the server's key must not silently expire.
  if (rnp_key_set_expiration(key.get(), 0) != RNP_SUCCESS) {
    return fail("librnp: cannot clear the server key's expiration");
  }
  auto secret = rnp::exportKey(key.get(), RNP_KEY_EXPORT_SECRET | RNP_KEY_EXPORT_SUBKEYS);
  if (!secret) return tl::unexpected(secret.error());
  auto armored = rnp::exportKey(
      key.get(), RNP_KEY_EXPORT_PUBLIC | RNP_KEY_EXPORT_SUBKEYS | RNP_KEY_EXPORT_ARMORED);
  if (!armored) return tl::unexpected(armored.error());
  std::error_code error;
  if (secretKeyFile.has_parent_path()) fs::create_directories(secretKeyFile.parent_path(), error);
  if (error) return fail("cannot create " + secretKeyFile.parent_path().string());
  if (auto written = writeNewFile(secretKeyFile, *secret, 0600); !written) return written;
  return writeNewFile(publicFile, *armored, 0644);
}

Result<ServerKey> ServerKey::load(const fs::path& secretKeyFile) {
  auto data = readSecretFile(secretKeyFile);
  if (!data) return tl::unexpected(data.error());
  auto packets = packets::split(*data);
  if (!packets) return tl::unexpected(packets.error());
  if (packets->empty() || packets->front().tag != packets::kSecretKey) {
    return fail(secretKeyFile.string() + " is not an OpenPGP secret key");
  }
  // RFC 4880 §5.5.3: the public part, the string-to-key usage octet (0: not encrypted), then
  // the secret MPIs d, p, q, u.
  const std::string_view body = packets->front().body;
  auto material = packets::readRsaPublicKey(body);
  if (!material) return tl::unexpected(material.error());
  std::size_t offset = material->length;
  if (offset >= body.size() || body[offset] != '\0') {
    return fail(secretKeyFile.string() + ": passphrase-protected keys are not supported");
  }
  ++offset;
  auto d = packets::readMpi(body, offset);
  auto p = d ? packets::readMpi(body, offset) : d;
  auto q = p ? packets::readMpi(body, offset) : p;
  if (!q) return tl::unexpected(q.error());
  auto secret = rsaPrivateKey(material->modulus, material->exponent, *d, *p, *q);
  if (!secret) return tl::unexpected(secret.error());

  // The public key as librnp exports it from the secret one.
  auto ffi = rnp::makeFfi();
  if (!ffi) return tl::unexpected(ffi.error());
  if (auto imported = rnp::importKeys(ffi->get(), *data, true); !imported) {
    return tl::unexpected(imported.error());
  }
  const std::string publicBody(body.substr(0, material->length));
  auto handle =
      rnp::locateByFingerprint(ffi->get(), packets::upperHex(packets::fingerprintV4(publicBody)));
  if (!handle) return tl::unexpected(handle.error());
  auto publicBinary = rnp::exportKey(handle->get(), RNP_KEY_EXPORT_PUBLIC | RNP_KEY_EXPORT_SUBKEYS);
  if (!publicBinary) return tl::unexpected(publicBinary.error());
  auto publicKey = PublicKey::parse(*publicBinary);
  if (!publicKey) return tl::unexpected(publicKey.error());
  return ServerKey(
      std::make_unique<Material>(Material{std::move(*secret), publicBody, std::move(*publicKey)}));
}

const std::string& ServerKey::fingerprint() const {
  return material_->publicKey.fingerprint();
}

const std::string& ServerKey::publicKeyBinary() const {
  return material_->publicKey.binary();
}

const PublicKey& ServerKey::publicKey() const {
  return material_->publicKey;
}

std::string ServerKey::publicKeyArmored() const {
  const std::string& binary = publicKeyBinary();
  rnp_input_t rawInput = nullptr;
  rnp_output_t rawOutput = nullptr;
  if (rnp_input_from_memory(&rawInput, reinterpret_cast<const std::uint8_t*>(binary.data()),
                            binary.size(), false) != RNP_SUCCESS) {
    return {};
  }
  rnp::Input input(rawInput);
  if (rnp_output_to_memory(&rawOutput, 0) != RNP_SUCCESS) return {};
  rnp::Output output(rawOutput);
  if (rnp_enarmor(input.get(), output.get(), "public key") != RNP_SUCCESS) return {};
  // The armor trailer is written when the armoring output is finished.
  if (rnp_output_finish(output.get()) != RNP_SUCCESS) return {};
  std::uint8_t* data = nullptr;
  std::size_t size = 0;
  if (rnp_output_memory_get_buf(output.get(), &data, &size, false) != RNP_SUCCESS) return {};
  return std::string(reinterpret_cast<const char*>(data), size);
}

Result<std::string> ServerKey::certify(const PublicKey& userKey, const std::string& jid) const {
  const UserId* target = nullptr;
  for (const auto& uid : userKey.userIds()) {
    if (!jid.empty() && uid.email == jid) target = &uid;
  }
  if (target == nullptr) return fail("the key has no user id for " + jid);
  auto packets = packets::split(userKey.binary());
  if (!packets || packets->empty()) return fail("OpenPGP: key lost its packets");
  auto signature = makeUserIdCertification(material_->secret.get(), material_->publicKeyBody,
                                           packets->front().body, target->text,
                                           static_cast<std::uint32_t>(base::unixNow()));
  if (!signature) return tl::unexpected(signature.error());
  return insertUserIdSignature(userKey.binary(), target->text, *signature);
}

Result<std::string> ServerKey::certifiedJid(const PublicKey& userKey,
                                            const std::string& domain) const {
  if (userKey.fingerprint() == fingerprint()) return fail("the key is the server's own key");
  auto ffi = rnp::makeFfi();
  if (!ffi) return tl::unexpected(ffi.error());
  if (auto imported = rnp::importKeys(ffi->get(), publicKeyBinary(), false); !imported) {
    return tl::unexpected(imported.error());
  }
  // Subkeys are never judged (see PublicKey::withoutSubkeys).
  if (auto imported = rnp::importKeys(ffi->get(), userKey.withoutSubkeys(), false); !imported) {
    return tl::unexpected(imported.error());
  }
  auto key = rnp::locateByFingerprint(ffi->get(), userKey.fingerprint());
  if (!key) return tl::unexpected(key.error());
  const std::string serverKeyId = fingerprint().substr(24);
  const std::string suffix = "@" + domain;

  std::string reason = "no user id names a JID of " + domain;
  std::size_t uidCount = 0;
  if (rnp_key_get_uid_count(key->get(), &uidCount) != RNP_SUCCESS) {
    return fail("librnp: cannot count user ids");
  }
  for (std::size_t i = 0; i < uidCount; ++i) {
    // Same order as PublicKey::userIds(): both come from librnp's user id list.
    if (i >= userKey.userIds().size()) break;
    const std::string& email = userKey.userIds()[i].email;
    if (email.size() <= suffix.size() ||
        email.compare(email.size() - suffix.size(), suffix.size(), suffix) != 0 ||
        email.find('@') != email.size() - suffix.size()) {
      continue;
    }
    reason = "user id <" + email + "> carries no certification by the server key";
    rnp_uid_handle_t rawUid = nullptr;
    if (rnp_key_get_uid_handle_at(key->get(), i, &rawUid) != RNP_SUCCESS) continue;
    rnp::Uid uid(rawUid);
    std::size_t signatureCount = 0;
    if (rnp_uid_get_signature_count(uid.get(), &signatureCount) != RNP_SUCCESS) continue;
    for (std::size_t s = 0; s < signatureCount; ++s) {
      rnp_signature_handle_t rawSignature = nullptr;
      if (rnp_uid_get_signature_at(uid.get(), s, &rawSignature) != RNP_SUCCESS) continue;
      rnp::Signature signature(rawSignature);
      auto type = rnp::string(
          [&](char** out) { return rnp_signature_get_type(signature.get(), out); }, "type");
      auto keyId = rnp::string(
          [&](char** out) { return rnp_signature_get_keyid(signature.get(), out); }, "key id");
      if (!type || !keyId || !isCertificationType(*type) || *keyId != serverKeyId) continue;
      // The issuer key id is only a claim: the signature itself must verify with our key.
      if (rnp_signature_is_valid(signature.get(), 0) == RNP_SUCCESS) return email;
      reason = "the server certification of <" + email + "> does not verify";
    }
  }
  return fail(reason);
}

}  // namespace kontalk::pgp
