// The network module (src/modules/network/) through the fake module host: the server list from
// the configuration and the operator's edits (spec §7.1), and network@DOMAIN's serverlist
// command (spec §7.3).

#include <gtest/gtest.h>

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

xml::Element execute(std::string_view node, std::string_view action = "") {
  xml::Element command("command", ns::kCommands);
  command.setAttribute("node", std::string(node));
  if (!action.empty()) command.setAttribute("action", std::string(action));
  return command;
}

std::vector<std::pair<std::string, std::string>> itemsOf(const xml::Element& reply) {
  std::vector<std::pair<std::string, std::string>> items;
  const auto* command = reply.child("command", ns::kCommands);
  const auto* list = command != nullptr
                         ? command->child("serverlist", "http://kontalk.org/extensions/serverlist")
                         : nullptr;
  if (list == nullptr) return items;
  for (const auto* item : list->childElements()) {
    items.emplace_back(item->attribute("node"), item->attribute("fingerprint"));
  }
  return items;
}

class NetworkTest : public ::testing::Test {
 protected:
  void start(const std::string& toml) {
    module_ = FakeModuleHost::create("network", toml);
    host_.start(*module_);
    host_.runPendingWork();  // the first read of the edits
  }

  xml::Element run(xml::Element command, std::string_view to = "network@example.org") {
    host_.deliverIq(IqScope::Account,
                    FakeModuleHost::iq("set", "bob@b.test/phone", to, std::move(command), "sl1"));
    auto sent = host_.takeSent();
    EXPECT_EQ(sent.size(), 1u);
    return sent.empty() ? xml::Element("none", "") : sent.front();
  }

  const api::NetworkDirectory& directory() { return *host_.service<api::NetworkDirectory>(); }

  // The edits reach the module at its next periodic reload.
  void reload() {
    host_.runIntervals();
    host_.runPendingWork();
  }

  FakeModuleHost host_;
  std::unique_ptr<api::Module> module_;
};

// Spec §7.3: enabled servers only, local first (its own key), then list order; completed with a
// fresh session id; from network@DOMAIN.
TEST_F(NetworkTest, ServerListIsTheEnabledServersLocalFirst) {
  start(kTwoServers);
  const auto reply = run(execute("serverlist"));
  EXPECT_EQ(reply.attribute("type"), "result");
  EXPECT_EQ(reply.attribute("from"), "network@example.org");
  const auto expected = std::vector<std::pair<std::string, std::string>>{
      {"example.org", host_.serverKey().fingerprint()}, {"b.test", kB}, {"c.test", kC}};
  EXPECT_EQ(itemsOf(reply), expected);
  const auto* command = reply.child("command", ns::kCommands);
  ASSERT_NE(command, nullptr);
  EXPECT_EQ(command->attribute("status"), "completed");
  EXPECT_EQ(command->attribute("node"), "serverlist");
  const std::string first(command->attribute("sessionid"));
  EXPECT_FALSE(first.empty());
  const auto again = run(execute("serverlist", "execute"));
  EXPECT_NE(again.child("command", ns::kCommands)->attribute("sessionid"), first);
}

TEST_F(NetworkTest, OtherNodesAndActionsAreRefused) {
  start("");
  const auto other = run(execute("other"));
  EXPECT_NE(other.child("error", "jabber:client"), nullptr);
  EXPECT_NE(other.child("error", "jabber:client")
                ->child("item-not-found", "urn:ietf:params:xml:ns:xmpp-stanzas"),
            nullptr);
  const auto cancel = run(execute("serverlist", "cancel"));
  ASSERT_NE(cancel.child("error", "jabber:client"), nullptr);
  EXPECT_NE(cancel.child("error", "jabber:client")
                ->child("bad-request", "urn:ietf:params:xml:ns:xmpp-stanzas"),
            nullptr);
  EXPECT_EQ(host_.deliverIq(IqScope::Account,
                            FakeModuleHost::iq("set", "bob@b.test/phone", "probe@example.org",
                                               execute("serverlist"))),
            api::HandlerResult::Continue);
}

TEST_F(NetworkTest, AdvertisesNetworkAtTheDomainWithItsCommand) {
  start("");
  const auto services = host_.serviceAddresses();
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0].localpart, "network");
  EXPECT_EQ(services[0].name, "Network information");
  EXPECT_EQ(services[0].identity.category, "component");
  EXPECT_EQ(services[0].identity.type, "generic");
  ASSERT_EQ(services[0].commands.size(), 1u);
  EXPECT_EQ(services[0].commands[0].node, "serverlist");
  EXPECT_EQ(services[0].commands[0].name, "Retrieve server list");
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
  EXPECT_EQ(itemsOf(run(execute("serverlist")))[1],
            (std::pair<std::string, std::string>{"b.test", kC}));
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
