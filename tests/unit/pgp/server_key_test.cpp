#include "pgp/server_key.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "pgp/packets.hpp"
#include "test_keys.hpp"

namespace kontalk::pgp {
namespace {

namespace fs = std::filesystem;
using testing::makeUserKey;
using testing::ScratchDirectory;

constexpr const char* kJid = "4bdd4f929f3a1062253e4e496bafba0bdfb5db75@example.net";
constexpr const char* kUserId = "Alice <4bdd4f929f3a1062253e4e496bafba0bdfb5db75@example.net>";

// One generated server key for the whole suite: RSA 3072 generation is slow.
class ServerKeyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = new ScratchDirectory();
    auto generated = ServerKey::generate(keyFile(), "example.net");
    ASSERT_TRUE(generated) << generated.error().message;
    auto loaded = ServerKey::load(keyFile());
    ASSERT_TRUE(loaded) << loaded.error().message;
    key_ = new ServerKey(std::move(*loaded));
  }
  static void TearDownTestSuite() {
    delete key_;
    delete directory_;
  }
  static fs::path keyFile() { return directory_->path() / "pgp" / "server-key.sec"; }
  static const ServerKey& key() { return *key_; }

  static PublicKey parse(const std::string& binary) {
    auto key = PublicKey::parse(binary);
    EXPECT_TRUE(key) << key.error().message;
    return *key;
  }

  static ScratchDirectory* directory_;
  static ServerKey* key_;
};
ScratchDirectory* ServerKeyTest::directory_ = nullptr;
ServerKey* ServerKeyTest::key_ = nullptr;

// Runs a shell command and returns its standard output.
std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  std::string output;
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) output += buffer;
  return output;
}

void writeFile(const fs::path& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

TEST_F(ServerKeyTest, GenerateWritesSecretWithMode0600AndPublicKey) {
  EXPECT_EQ(fs::status(keyFile()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  std::ifstream publicFile(ServerKey::publicKeyFile(keyFile()));
  std::string armored((std::istreambuf_iterator<char>(publicFile)), {});
  EXPECT_NE(armored.find("BEGIN PGP PUBLIC KEY BLOCK"), std::string::npos);
  EXPECT_EQ(parse(armored).fingerprint(), key().fingerprint());
}

TEST_F(ServerKeyTest, KeyNamesTheDomainAndHasAV4Fingerprint) {
  EXPECT_EQ(key().fingerprint().size(), 40u);
  EXPECT_EQ(key().fingerprint().find_first_not_of("0123456789ABCDEF"), std::string::npos);
  ASSERT_EQ(key().publicKey().userIds().size(), 1u);
  EXPECT_EQ(key().publicKey().userIds()[0].email, "example.net");
  EXPECT_NE(key().publicKeyArmored().find("END PGP PUBLIC KEY BLOCK"), std::string::npos);
  EXPECT_EQ(key().publicKeyBinary().find("-----"), std::string::npos);
}

TEST_F(ServerKeyTest, KeyNeverExpires) {
  EXPECT_FALSE(key().publicKey().expirationTime());
}

TEST_F(ServerKeyTest, GenerateRefusesToReplaceAKey) {
  EXPECT_FALSE(ServerKey::generate(keyFile(), "example.net"));
}

TEST_F(ServerKeyTest, LoadRefusesASecretReadableByOthers) {
  const fs::path copy = directory_->path() / "readable.sec";
  fs::copy_file(keyFile(), copy);
  fs::permissions(copy, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  auto loaded = ServerKey::load(copy);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("0600"), std::string::npos);
}

TEST_F(ServerKeyTest, LoadRefusesMissingAndPublicKeyFiles) {
  EXPECT_FALSE(ServerKey::load(directory_->path() / "missing.sec"));
  const fs::path publicOnly = directory_->path() / "public.sec";
  writeFile(publicOnly, key().publicKeyBinary());
  fs::permissions(publicOnly, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(ServerKey::load(publicOnly));
}

TEST_F(ServerKeyTest, CertifiedKeyVerifiesWithLibrnp) {
  const PublicKey user = parse(makeUserKey(kUserId).publicBinary);
  auto uncertified = key().certifiedJid(user, "example.net");
  ASSERT_FALSE(uncertified);
  EXPECT_NE(uncertified.error().message.find("no certification"), std::string::npos);

  auto certified = key().certify(user, kJid);
  ASSERT_TRUE(certified) << certified.error().message;
  const PublicKey result = parse(*certified);
  EXPECT_EQ(result.fingerprint(), user.fingerprint());
  auto jid = key().certifiedJid(result, "example.net");
  ASSERT_TRUE(jid) << jid.error().message;
  EXPECT_EQ(*jid, kJid);
}

TEST_F(ServerKeyTest, CertificationIsCheckedWithoutJudgingSubkeys) {
  // Spec §3 step 4 at every login: a subkey signature librnp finds wrong (the Android client's
  // cross-signature) neither fails the check nor reaches standard error.
  const auto generated = makeUserKey(kUserId, testing::TestKeyOptions{.subkeyBits = 1024});
  const PublicKey user = parse(testing::withBrokenSubkeyBinding(generated.publicBinary));
  auto certified = key().certify(user, kJid);
  ASSERT_TRUE(certified) << certified.error().message;
  const PublicKey result = parse(*certified);
  testing::StandardErrorCapture capture(directory_->path() / "stderr");
  auto jid = key().certifiedJid(result, "example.net");
  const std::string written = capture.finish();
  ASSERT_TRUE(jid) << jid.error().message;
  EXPECT_EQ(*jid, kJid);
  EXPECT_EQ(written, "");
}

TEST_F(ServerKeyTest, CertifiedKeyVerifiesWithGnuPG) {
  const PublicKey user = parse(makeUserKey(kUserId).publicBinary);
  auto certified = key().certify(user, kJid);
  ASSERT_TRUE(certified);
  ScratchDirectory home;
  fs::permissions(home.path(), fs::perms::owner_all, fs::perm_options::replace);
  writeFile(home.path() / "server.pgp", key().publicKeyBinary());
  writeFile(home.path() / "user.pgp", *certified);
  const std::string gpg = "gpg --homedir '" + home.path().string() + "' --batch --no-tty ";
  run(gpg + "--import '" + (home.path() / "server.pgp").string() + "' '" +
      (home.path() / "user.pgp").string() + "' 2>&1");
  const std::string output =
      run(gpg + "--with-colons --check-sigs " + user.fingerprint() + " 2>&1");
  // gpg --with-colons: "sig:!:" is a signature that verified; field 5 is the issuer key id.
  const std::string serverKeyId = key().fingerprint().substr(24);
  EXPECT_NE(output.find("sig:!::1:" + serverKeyId + ":"), std::string::npos) << output;
  EXPECT_EQ(output.find("sig:-:"), std::string::npos) << output;  // no bad signature
}

TEST_F(ServerKeyTest, CertifyFailsWithoutAUserIdForTheJid) {
  const PublicKey user = parse(makeUserKey(kUserId).publicBinary);
  EXPECT_FALSE(key().certify(user, "someone-else@example.net"));
}

TEST_F(ServerKeyTest, CertificationForAnotherDomainIsRefused) {
  const PublicKey user = parse(makeUserKey("Bob <bob@other.example>").publicBinary);
  auto certified = key().certify(user, "bob@other.example");
  ASSERT_TRUE(certified);
  auto jid = key().certifiedJid(parse(*certified), "example.net");
  ASSERT_FALSE(jid);
  EXPECT_NE(jid.error().message.find("no user id names a JID of example.net"), std::string::npos);
}

TEST_F(ServerKeyTest, CertificationByAnotherKeyIsRefused) {
  ScratchDirectory otherDirectory;
  ASSERT_TRUE(ServerKey::generate(otherDirectory.path() / "other.sec", "example.net"));
  auto other = ServerKey::load(otherDirectory.path() / "other.sec");
  ASSERT_TRUE(other);
  const PublicKey user = parse(makeUserKey(kUserId).publicBinary);
  auto certified = other->certify(user, kJid);
  ASSERT_TRUE(certified);
  EXPECT_FALSE(key().certifiedJid(parse(*certified), "example.net"));
  EXPECT_TRUE(other->certifiedJid(parse(*certified), "example.net"));
}

TEST_F(ServerKeyTest, TamperedCertificationIsRefused) {
  const PublicKey user = parse(makeUserKey(kUserId).publicBinary);
  auto certified = key().certify(user, kJid);
  ASSERT_TRUE(certified);
  // The server's signature is the last packet after the user id (there are no subkeys): flip
  // a bit in the last byte of its RSA value.
  std::string tampered = *certified;
  tampered.back() = static_cast<char>(tampered.back() ^ 0x01);
  auto jid = key().certifiedJid(parse(tampered), "example.net");
  ASSERT_FALSE(jid);
  EXPECT_NE(jid.error().message.find("does not verify"), std::string::npos);
}

}  // namespace
}  // namespace kontalk::pgp
