// The server's configuration file (src/app/config/config.cpp): its sections, [modules], the
// paths it resolves (docs/configuration.md), and the reference it is documented by. Each test
// writes a real file: loadConfig is what is under test.

#include "app/config/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "config/reference.hpp"
#include "storage/temporary_directory.hpp"

namespace kontalk::app {
namespace {

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  // Writes `text` to etc/kontalkd.toml in a fresh directory and returns its path.
  fs::path write(const std::string& text) {
    const auto file = directory_.path() / "etc" / "kontalkd.toml";
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file;
  }

  Config load(const std::string& text) { return loadConfig(write(text)); }

  // The ConfigError `text` causes, "" when none.
  std::string errorOf(const std::string& text) {
    try {
      load(text);
    } catch (const config::ConfigError& e) {
      return e.what();
    }
    return "";
  }

  std::string file() const { return (directory_.path() / "etc" / "kontalkd.toml").string(); }
  fs::path etc() const { return directory_.path() / "etc"; }

  storage::testing::TemporaryDirectory directory_;
};

// Defaults come from the settings structs: an empty file is a working configuration.
TEST_F(ConfigTest, AnEmptyFileIsTheDefaults) {
  const auto config = load("");
  EXPECT_EQ(config.server.domain, "localhost");
  ASSERT_EQ(config.c2s.listen.size(), 1u);
  EXPECT_EQ(config.c2s.listen[0].toString(), "127.0.0.1:5222");
  EXPECT_EQ(config.c2s.maxSessionsPerUser, stream::C2sSettings{}.maxSessionsPerUser);
  EXPECT_EQ(config.limits.maxStanzaBytes, stream::LimitsSettings{}.maxStanzaBytes);
  EXPECT_EQ(config.storage.synchronous, "full");
  EXPECT_FALSE(config.modules.enabled);
  EXPECT_EQ(config.sourceFile, file());
}

// docs/configuration.md: data_dir is relative to the config file's directory; tls.*,
// server.pgp_key and storage.path to data_dir; log.file to the config file's directory.
TEST_F(ConfigTest, ResolvesRelativePathsAsDocumented) {
  const auto config = load(
      "[server]\ndata_dir = \"data\"\n"
      "[tls]\ncertificate = \"certs/server.pem\"\nprivate_key = \"/etc/ssl/key.pem\"\n"
      "[log]\nfile = \"logs/kontalkd.log\"\n");
  const auto data = etc() / "data";
  EXPECT_EQ(config.server.dataDir, data);
  EXPECT_EQ(config.tls.certificate, data / "certs/server.pem");
  EXPECT_EQ(config.tls.privateKey, "/etc/ssl/key.pem");  // absolute stays
  EXPECT_EQ(config.server.pgpKey, data / "pgp/server-key.sec");
  EXPECT_EQ(fs::path(config.storage.path), data / "kontalk.sqlite");
  EXPECT_EQ(fs::path(config.log.file), etc() / "logs/kontalkd.log");
}

TEST_F(ConfigTest, AnAbsoluteDataDirAnchorsTheOtherPaths) {
  const auto config =
      load("[server]\ndata_dir = \"/srv/kontalk\"\n[storage]\npath = \"db/k.db\"\n");
  EXPECT_EQ(config.server.dataDir, "/srv/kontalk");
  EXPECT_EQ(fs::path(config.storage.path), "/srv/kontalk/db/k.db");
  EXPECT_EQ(config.tls.certificate, "/srv/kontalk/tls/certificate.pem");
  EXPECT_TRUE(config.log.file.empty());  // standard error stays standard error
}

TEST_F(ConfigTest, PostgresqlStorageNeedsAUrlAndABoundedPool) {
  EXPECT_NE(errorOf("[storage]\nbackend = \"postgresql\"\n").find("needs url"), std::string::npos);
  const auto config = load(
      "[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://kontalk@db/kontalk\"\n"
      "pool_size = 25\nacquire_timeout = 250\n");
  EXPECT_EQ(config.storage.url, "postgresql://kontalk@db/kontalk");
  EXPECT_EQ(config.storage.poolSize, 25u);
  EXPECT_EQ(config.storage.acquireTimeout, std::chrono::milliseconds(250));
  EXPECT_NE(errorOf("[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://db/k\"\n"
                    "pool_size = 0\n"),
            "");
}

TEST_F(ConfigTest, AClusterNeedsANodeIdARedisUrlAndPostgresql) {
  EXPECT_FALSE(load("").cluster.enabled());
  const std::string postgresql =
      "[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://db/k\"\n";
  const auto config =
      load(postgresql + "[cluster]\nnode_id = 7\nredis_url = \"redis://10.0.0.5\"\nnode_ttl = 5\n");
  EXPECT_TRUE(config.cluster.enabled());
  EXPECT_EQ(config.cluster.nodeId, 7);
  EXPECT_EQ(config.cluster.nodeTtl, std::chrono::seconds(5));
  EXPECT_NE(errorOf(postgresql + "[cluster]\nredis_url = \"redis://10.0.0.5\"\n").find("node_id"),
            std::string::npos);
  EXPECT_NE(errorOf(postgresql + "[cluster]\nnode_id = 1024\nredis_url = \"redis://h\"\n"), "");
  EXPECT_NE(errorOf(postgresql + "[cluster]\nnode_id = 1\nredis_url = \"10.0.0.5:6379\"\n")
                .find("redis://host"),
            std::string::npos);
  EXPECT_NE(errorOf("[cluster]\nnode_id = 1\nredis_url = \"redis://h\"\n")
                .find("needs [storage] backend = \"postgresql\""),
            std::string::npos);
}

TEST_F(ConfigTest, AnUnknownSectionIsAnError) {
  EXPECT_EQ(errorOf("[server]\n\n[serverr]\ndomain = \"x\"\n"),
            file() + ":3: [serverr] is not a known section");
}

// ARCHITECTURE.md §10: unknown keys are errors in every section, with the keys that exist.
TEST_F(ConfigTest, AnUnknownKeyNamesFileLineAndTheKnownKeys) {
  const auto message = errorOf("[c2s]\nrequire_tls = true\nmax_session = 3\n");
  EXPECT_EQ(message.rfind(file() + ":3: [c2s] max_session is not a known setting (known: listen, "
                                   "direct_tls, require_tls,",
                          0),
            0u)
      << message;
  EXPECT_NE(message.find("max_sessions_per_user"), std::string::npos) << message;
}

TEST_F(ConfigTest, WrongTypesAndBoundsAreErrors) {
  EXPECT_EQ(errorOf("[c2s]\nmax_sessions_per_user = \"ten\"\n"),
            file() + ":2: [c2s] max_sessions_per_user must be an integer from 1 to 1000");
  EXPECT_EQ(errorOf("[c2s]\nmax_sessions_per_user = 1001\n"),
            file() + ":2: [c2s] max_sessions_per_user must be an integer from 1 to 1000");
  EXPECT_EQ(errorOf("[server]\ndomain = \"\"\n"), file() + ":1: [server] domain must not be empty");
}

// A listener is written "host:port" or "[v6]:port" (a parsed codec).
TEST_F(ConfigTest, ListenAddressesAreParsed) {
  const auto config =
      load("[c2s]\nlisten = [\"[::1]:15222\", \"0.0.0.0:5222\"]\ndirect_tls = []\n");
  ASSERT_EQ(config.c2s.listen.size(), 2u);
  EXPECT_EQ(config.c2s.listen[0].host, "::1");
  EXPECT_EQ(config.c2s.listen[0].port, 15222);
  EXPECT_EQ(config.c2s.listen[1].host, "0.0.0.0");
  EXPECT_TRUE(config.c2s.directTls.empty());
  EXPECT_EQ(errorOf("[c2s]\nlisten = [\"localhost\"]\n"),
            file() +
                ":2: [c2s] listen has an element that must be \"host:port\" or \"[v6]:port\", "
                "not \"localhost\"");
  EXPECT_NE(errorOf("[c2s]\nlisten = [\"127.0.0.1:65536\"]\n"), "");
  EXPECT_EQ(errorOf("[c2s]\nlisten = []\ndirect_tls = []\n"),
            file() + ":1: [c2s] needs at least one address in listen or direct_tls");
}

TEST_F(ConfigTest, EnumChoicesMapToTheirValues) {
  EXPECT_EQ(load("[c2s]\nresource_conflict = \"refuse\"\n").c2s.resourceConflict,
            router::ResourceConflictPolicy::RefuseNewer);
  EXPECT_EQ(errorOf("[c2s]\nresource_conflict = \"newest\"\n"),
            file() + ":2: [c2s] resource_conflict must be \"replace\" or \"refuse\"");
}

TEST_F(ConfigTest, ModulesEnabledAndTablesAreRead) {
  const auto config = load(
      "[modules]\nenabled = [\"ping\", \"roster\"]\n\n[modules.ping]\n\n[modules.csi]\n"
      "max_held = 5\n");
  EXPECT_EQ(config.modules.enabled, (std::vector<std::string>{"ping", "roster"}));
  EXPECT_EQ(config.modules.enabledLine, 2);
  ASSERT_EQ(config.modules.sections.size(), 2u);
  EXPECT_EQ(config.modules.sections.at("csi").line, 6);
  // Module options are the module's to read (at start): kept as they are.
  EXPECT_NE(config.modules.sections.at("csi").table()->at("max_held").integer(), nullptr);
}

TEST_F(ConfigTest, ModulesEnabledMustBeAnArrayOfNames) {
  const std::string expected = file() + ":2: [modules] enabled must be an array of module names";
  EXPECT_EQ(errorOf("[modules]\nenabled = \"ping\"\n"), expected);
  EXPECT_EQ(errorOf("[modules]\nenabled = [\"ping\", 7]\n"), expected);
  EXPECT_EQ(errorOf("[modules]\nping = true\n"),
            file() +
                ":2: [modules] ping is not a known setting (known: enabled, and one "
                "[modules.NAME] table per module)");
  EXPECT_EQ(errorOf("modules = 3\n"), file() + ":1: [modules] must be a table");
}

TEST_F(ConfigTest, AnUnreadableFileIsAnError) {
  EXPECT_THROW(loadConfig(directory_.path() / "missing.toml"), config::ConfigError);
  EXPECT_NE(errorOf("[server\n").find("cannot read config " + file()), std::string::npos);
}

// The reference (docs/configuration.md, config/kontalkd.example.toml) covers every section the
// file may have besides [modules], and its example file is the defaults.
TEST_F(ConfigTest, TheReferenceIsEveryCoreSectionAndItsExampleIsTheDefaults) {
  std::vector<std::string> names;
  for (const auto& section : coreReference()) names.push_back(section.name);
  EXPECT_EQ(names, (std::vector<std::string>{"server", "c2s", "s2s", "http", "tls", "storage",
                                             "cluster", "limits", "log", "admin"}));

  const auto config = load(config::exampleFile(coreReference()));
  const auto defaults = load("");
  EXPECT_EQ(config.server.domain, defaults.server.domain);
  EXPECT_EQ(config.server.dataDir, defaults.server.dataDir);
  EXPECT_EQ(config.c2s.listen[0].toString(), defaults.c2s.listen[0].toString());
  EXPECT_EQ(config.c2s.directTls[0].toString(), defaults.c2s.directTls[0].toString());
  EXPECT_EQ(config.c2s.idleTimeout, defaults.c2s.idleTimeout);
  EXPECT_EQ(config.c2s.certificateLogin, defaults.c2s.certificateLogin);
  EXPECT_EQ(config.tls.minVersion, defaults.tls.minVersion);
  EXPECT_EQ(config.storage.path, defaults.storage.path);
  EXPECT_EQ(config.limits.stanzasPerSecond, defaults.limits.stanzasPerSecond);
  EXPECT_EQ(config.limits.maxDepth, defaults.limits.maxDepth);
  EXPECT_EQ(config.log.level, defaults.log.level);
  EXPECT_EQ(config.server.mode, defaults.server.mode);
  EXPECT_EQ(config.admin.socket, defaults.admin.socket);
}

// [admin] socket is relative to data_dir, like the other files the server keeps there.
TEST_F(ConfigTest, TheAdminSocketIsInTheDataDirectoryUnlessAbsolute) {
  EXPECT_EQ(load("[server]\ndata_dir = \"/srv/kontalk\"\n").admin.socket,
            fs::path("/srv/kontalk/admin.sock"));
  EXPECT_EQ(load("[admin]\nsocket = \"/run/kontalk/admin.sock\"\n").admin.socket,
            fs::path("/run/kontalk/admin.sock"));
  EXPECT_NE(errorOf("[server]\nmode = \"staging\"\n").find("mode"), std::string::npos);
}

}  // namespace
}  // namespace kontalk::app
