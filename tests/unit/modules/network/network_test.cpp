// The network module (src/modules/network/) through the fake module host: the server list from
// the configuration and the operator's edits (spec §7.1), and network@DOMAIN's serverlist
// command (spec §7.3).

#include <gtest/gtest.h>

#include "api/adhoc_commands.hpp"
#include "api/fake_module_host.hpp"
#include "api/network_directory.hpp"
#include "api/peer_trust.hpp"
#include "config/config_error.hpp"
#include "modules/network/server_list.hpp"
#include "pgp/server_key.hpp"
#include "storage/storage.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::IqScope;
using api::testing::FakeModuleHost;

constexpr const char* kB = "8FA6D1A3C0F1E52B6F0C9D1A7E40B2C3D4E5F601";
constexpr const char* kC = "37D0E678CDD19FB9B182B3804C9539B401F8229C";

const std::string kTwoServers =
    std::string("[[modules.network.servers]]\ndomain = \"B.test\"\nfingerprint = \"") +
    "8fa6d1a3c0f1e52b6f0c9d1a7e40b2c3d4e5f601" +
    "\"\n[[modules.network.servers]]\ndomain = \"c.test\"\nfingerprint = \"" + kC +
    "\"\n[[modules.network.servers]]\ndomain = \"off.test\"\nfingerprint = \"" + kC +
    "\"\nenabled = false\n";

// Keeps the commands the module adds; the adhoc module's protocol is tested with it.
class RecordedCommands final : public api::AdHocCommands {
 public:
  void addCommand(api::AdHocCommand command) override { commands.push_back(std::move(command)); }
  void removeCommand(const std::string&, const std::string&) override {}
  std::vector<api::DiscoItem> commandsFor(const std::string&, const xmpp::Jid&) const override {
    return {};
  }
  std::vector<api::AdHocCommand> commands;
};

std::vector<std::pair<std::string, std::string>> itemsOf(const api::AdHocStep& step) {
  std::vector<std::pair<std::string, std::string>> items;
  if (step.payload.size() != 1) return items;
  const auto& list = step.payload.front();
  EXPECT_TRUE(list.is("serverlist", "http://kontalk.org/extensions/serverlist"));
  for (const auto* item : list.childElements()) {
    items.emplace_back(item->attribute("node"), item->attribute("fingerprint"));
  }
  return items;
}

class NetworkTest : public ::testing::Test {
 protected:
  void start(const std::string& toml) {
    host_.addService<api::AdHocCommands>(commands_);
    module_ = FakeModuleHost::create("network", toml);
    host_.start(*module_);
    host_.runPendingWork();  // the first read of the edits
  }

  // Runs the serverlist command as the adhoc module would for a remote requester.
  api::AdHocStep run() {
    EXPECT_EQ(commands_.commands.size(), 1u);
    std::optional<api::AdHocStep> answered;
    commands_.commands.front().execute({*xmpp::Jid::parse("bob@b.test/phone"), {}},
                                       [&](api::AdHocStep step) { answered = std::move(step); });
    EXPECT_TRUE(answered);
    return answered ? std::move(*answered) : api::AdHocStep::done("none");
  }

  const api::NetworkDirectory& directory() { return *host_.service<api::NetworkDirectory>(); }

  // The edits reach the module at its next periodic reload.
  void reload() {
    host_.runIntervals();
    host_.runPendingWork();
  }

  RecordedCommands commands_;
  FakeModuleHost host_;
  std::unique_ptr<api::Module> module_;
};

// Spec §7.3: enabled servers only, local first (its own key), then list order; completed at
// once, for anyone.
TEST_F(NetworkTest, ServerListIsTheEnabledServersLocalFirst) {
  start(kTwoServers);
  const auto step = run();
  EXPECT_EQ(step.kind, api::AdHocStep::Kind::Completed);
  const auto expected = std::vector<std::pair<std::string, std::string>>{
      {"example.org", host_.serverKey().fingerprint()}, {"b.test", kB}, {"c.test", kC}};
  EXPECT_EQ(itemsOf(step), expected);
}

TEST_F(NetworkTest, AdvertisesNetworkAtTheDomainWithItsCommand) {
  start("");
  const auto services = host_.serviceAddresses();
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0].localpart, "network");
  EXPECT_EQ(services[0].name, "Network information");
  EXPECT_EQ(services[0].identity.category, "component");
  EXPECT_EQ(services[0].identity.type, "generic");
  ASSERT_EQ(commands_.commands.size(), 1u);
  const auto& command = commands_.commands.front();
  EXPECT_EQ(command.address, "network");
  EXPECT_EQ(command.node, "serverlist");
  EXPECT_EQ(command.name, "Retrieve server list");
  EXPECT_TRUE(command.mayExecute(*xmpp::Jid::parse("anyone@elsewhere.test/x")));
}

// Spec §7.1: network domains are listed ones, enabled or not, and the local one; peers are the
// enabled others; without a PeerTrust every network domain is a member.
TEST_F(NetworkTest, DirectoryKnowsNetworkDomainsAndPeers) {
  start(kTwoServers);
  EXPECT_TRUE(directory().isMember("b.test"));
  EXPECT_TRUE(directory().isMember("off.test"));
  EXPECT_FALSE(directory().isMember("d.test"));
  EXPECT_TRUE(directory().isNetworkDomain("example.org"));
  EXPECT_TRUE(directory().isNetworkDomain("b.test"));
  EXPECT_TRUE(directory().isNetworkDomain("off.test"));
  EXPECT_FALSE(directory().isNetworkDomain("d.test"));
  EXPECT_EQ(directory().peers(), (std::vector<std::string>{"b.test", "c.test"}));
  EXPECT_EQ(directory().probeTimeout(), std::chrono::milliseconds(10'000));
}

// Spec §7.2 require_certificate: membership also asks how a peer authenticated (api::PeerTrust).
// Not trusted: not a peer and not a member; the local server and non-network domains are
// decided by the list alone.
TEST(ServerListTrustTest, MembersAreTheNetworkDomainsThePeerTrustVouchesFor) {
  struct Trust final : api::PeerTrust {
    std::vector<std::string> asked;
    bool trusts(std::string_view domain, std::string_view fingerprint) override {
      asked.emplace_back(std::string(domain) + " " + std::string(fingerprint));
      return domain == "c.test";
    }
  } trust;
  network::ServerList list({"example.org", kB, true}, std::chrono::milliseconds(10),
                           {{"b.test", kB, true}, {"c.test", kC, true}, {"off.test", kC, false}},
                           &trust);
  EXPECT_EQ(list.peers(), (std::vector<std::string>{"c.test"}));
  EXPECT_EQ(trust.asked,
            (std::vector<std::string>{std::string("b.test ") + kB, std::string("c.test ") + kC}))
      << "every enabled peer, with the list's fingerprint";
  EXPECT_TRUE(list.isMember("example.org"));
  EXPECT_TRUE(list.isMember("c.test"));
  EXPECT_FALSE(list.isMember("b.test"));
  EXPECT_FALSE(list.isMember("off.test"));
  EXPECT_FALSE(list.isMember("d.test"));
  EXPECT_TRUE(list.isNetworkDomain("b.test")) << "still a network domain (TLS, spec §7.2)";
  EXPECT_EQ(list.servers().size(), 3u) << "the serverlist command is not affected";
}

// Spec §7.1: the table wins over the configuration, and a running server picks edits up.
TEST_F(NetworkTest, EditsInStorageWinAndArePickedUpWithoutRestart) {
  start("probe_timeout = 3\n" + kTwoServers);
  EXPECT_EQ(directory().probeTimeout(), std::chrono::milliseconds(3000));
  auto& edits = host_.database().network();
  ASSERT_TRUE(edits.setEnabled("c.test", false));
  ASSERT_TRUE(edits.setEnabled("off.test", true));
  ASSERT_TRUE(edits.add("e.test", kB));
  ASSERT_TRUE(edits.remove("b.test"));
  ASSERT_TRUE(edits.setEnabled("unknown.test", true));  // no fingerprint: means nothing
  EXPECT_EQ(directory().peers(), (std::vector<std::string>{"b.test", "c.test"})) << "too early";
  reload();
  EXPECT_EQ(directory().peers(), (std::vector<std::string>{"off.test", "e.test"}));
  EXPECT_FALSE(directory().isNetworkDomain("b.test"));
  EXPECT_TRUE(directory().isNetworkDomain("c.test"));
  EXPECT_FALSE(directory().isNetworkDomain("unknown.test"));
  ASSERT_TRUE(edits.add("b.test", kC));
  reload();
  EXPECT_EQ(directory().peers(), (std::vector<std::string>{"b.test", "off.test", "e.test"}));
  EXPECT_EQ(itemsOf(run())[1], (std::pair<std::string, std::string>{"b.test", kC}));
}

// The local server is always a member with its own key, whatever the list says.
TEST_F(NetworkTest, TheLocalServerCannotBeListedOrDisabled) {
  start(std::string("[[modules.network.servers]]\ndomain = \"example.org\"\nfingerprint = \"") +
        kB + "\"\nenabled = false\n");
  ASSERT_TRUE(host_.database().network().remove("example.org"));
  reload();
  EXPECT_TRUE(directory().isNetworkDomain("example.org"));
  EXPECT_TRUE(directory().peers().empty());
  const auto servers = directory().servers();
  ASSERT_EQ(servers.size(), 1u);
  EXPECT_EQ(servers[0].fingerprint, host_.serverKey().fingerprint());
}

TEST_F(NetworkTest, BadEntriesAreConfigurationErrors) {
  for (const std::string& toml :
       {std::string("[[modules.network.servers]]\ndomain = \"b.test\"\nfingerprint = \"ABC\"\n"),
        std::string("[[modules.network.servers]]\ndomain = \"b.test\"\nfingerprint = \"") +
            std::string(39, 'A') + "G\"\n",
        std::string("[[modules.network.servers]]\ndomain = \"a b\"\nfingerprint = \"") + kB +
            "\"\n",
        std::string("[[modules.network.servers]]\nfingerprint = \"") + kB + "\"\n",
        std::string("[[modules.network.servers]]\ndomain = \"b.test\"\nfingerprint = \"") + kB +
            "\"\nport = 5269\n",
        kTwoServers + "[[modules.network.servers]]\ndomain = \"c.test\"\nfingerprint = \"" + kB +
            "\"\n",
        std::string("servers = \"b.test\"\n")}) {
    EXPECT_THROW(FakeModuleHost::create("network", toml), config::ConfigError) << toml;
  }
}

}  // namespace
}  // namespace kontalk::modules
