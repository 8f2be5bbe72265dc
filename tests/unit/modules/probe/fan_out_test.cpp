// Roster match across the network (spec §7.5, §7.6) through the fake module host: the probe
// module's questions to the peers (FakeModuleHost::waitingIqs), the answers the test plays for
// them (answerIq, expireIqs: the deadline), and the merged answer.

#include <gtest/gtest.h>

#include <set>

#include "api/fake_module_host.hpp"
#include "api/fake_network.hpp"
#include "api/network_probe.hpp"
#include "modules/probe/roster_match.hpp"

namespace kontalk::modules {
namespace {

using api::IqScope;
using api::testing::FakeModuleHost;

constexpr const char* kStanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas";

xml::Element match(const std::vector<std::string>& jids) {
  xml::Element query("query", probe::kRosterNamespace);
  for (const auto& jid : jids) {
    query.addChild("item", probe::kRosterNamespace).setAttribute("jid", jid);
  }
  return query;
}

std::vector<std::string> itemsOf(const xml::Element& stanza) {
  std::vector<std::string> jids;
  if (const auto* query = stanza.child("query", probe::kRosterNamespace)) {
    for (const auto* item : query->childElements()) jids.emplace_back(item->attribute("jid"));
  }
  return jids;
}

std::string condition(const xml::Element& reply) {
  const auto* error = reply.child("error", "jabber:client");
  if (error == nullptr) return "";
  for (const auto* child : error->childElements()) {
    if (child->xmlns() == kStanzaErrors && child->name() != "text") {
      return std::string(error->attribute("type")) + " " + child->name();
    }
  }
  return "";
}

class FanOutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        host_.database().accounts().create(storage::Account{"alice", "example.org", {}, {}, 1}));
    network_.listed = {{"b.test", std::string(40, 'B'), true},
                       {"off.test", std::string(40, 'D'), false},
                       {"c.test", std::string(40, 'C'), true}};
    network_.timeout = std::chrono::milliseconds(7000);
    module_ = FakeModuleHost::create("probe", "max_pending_per_user = 1");
    host_.addService<api::NetworkDirectory>(network_);
    host_.start(*module_);
  }

  void ask(const std::string& from, const std::vector<std::string>& jids,
           const std::string& id = "m1") {
    ASSERT_EQ(host_.deliverIq(IqScope::Account, FakeModuleHost::iq("get", from, "probe@example.org",
                                                                   match(jids), id)),
              api::HandlerResult::Handled);
  }

  // The waiting question to `peer`.
  xml::Element questionTo(const std::string& peer) {
    for (auto& iq : host_.waitingIqs()) {
      if (iq.attribute("to") == "probe@" + peer) return iq;
    }
    ADD_FAILURE() << "nothing asked of " << peer;
    return xml::Element("iq", "jabber:client");
  }

  static xml::Element resultFor(const xml::Element& question,
                                const std::vector<std::string>& jids) {
    xml::Element result("iq", "jabber:client");
    result.setAttribute("type", "result");
    result.setAttribute("id", std::string(question.attribute("id")));
    result.setAttribute("from", std::string(question.attribute("to")));
    result.setAttribute("to", std::string(question.attribute("from")));
    result.addChild(match(jids));
    return result;
  }

  static xml::Element errorFor(const xml::Element& question) {
    return xmpp::makeErrorReply(
        question, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::RemoteServerNotFound));
  }

  // The answers sent to clients so far (the questions to peers are in sent() too).
  std::vector<xml::Element> answers() {
    std::vector<xml::Element> answers;
    for (auto& stanza : host_.takeSent()) {
      if (stanza.attribute("from") == "probe@example.org" && stanza.attribute("type") != "get") {
        answers.push_back(std::move(stanza));
      }
    }
    return answers;
  }

  FakeModuleHost host_;
  api::testing::FakeNetworkDirectory network_{"example.org"};
  std::unique_ptr<api::Module> module_;
};

// Spec §7.5 steps 1-3: local matches are never asked remotely; each enabled peer gets one IQ
// from probe@DOMAIN with every candidate written in its domain, each with its own id.
TEST_F(FanOutTest, AsksEachEnabledPeerOnceAboutTheOthers) {
  ask("alice@example.org/phone", {"x@example.org", "alice@example.org", "y@example.org"});
  host_.runPendingWork();
  const auto questions = host_.waitingIqs();
  ASSERT_EQ(questions.size(), 2u);
  EXPECT_EQ(questions[0].attribute("to"), "probe@b.test");
  EXPECT_EQ(questions[1].attribute("to"), "probe@c.test");
  std::set<std::string> ids;
  for (const auto& question : questions) {
    EXPECT_EQ(question.attribute("type"), "get");
    EXPECT_EQ(question.attribute("from"), "probe@example.org");
    EXPECT_GE(question.attribute("id").size(), 16u);
    ids.insert(std::string(question.attribute("id")));
  }
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_EQ(itemsOf(questions[0]), (std::vector<std::string>{"x@b.test", "y@b.test"}));
  EXPECT_EQ(itemsOf(questions[1]), (std::vector<std::string>{"x@c.test", "y@c.test"}));
  EXPECT_EQ(host_.iqTimeouts(), (std::vector<std::chrono::milliseconds>(2, network_.timeout)));
  EXPECT_TRUE(answers().empty()) << "answered before the peers";
}

// Spec §7.5 steps 4-5: local matches first (request order), then the peers' in list order, each
// in request order, whatever order the peers answered in; only what was asked of that peer.
TEST_F(FanOutTest, MergesLocalThenPeersInListOrderKeepingOnlyWhatWasAsked) {
  ask("alice@example.org/phone",
      {"x@example.org", "y@example.org", "alice@example.org", "z@example.org"});
  host_.runPendingWork();
  const auto toB = questionTo("b.test");
  const auto toC = questionTo("c.test");
  ASSERT_TRUE(host_.answerIq(resultFor(toC, {"z@c.test", "q@c.test", "x@b.test"})));
  EXPECT_TRUE(answers().empty()) << "answered before b.test";
  ASSERT_TRUE(host_.answerIq(resultFor(toB, {"y@b.test", "x@b.test", "alice@b.test"})));
  const auto replies = answers();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].attribute("id"), "m1");
  EXPECT_EQ(replies[0].attribute("to"), "alice@example.org/phone");
  EXPECT_EQ(itemsOf(replies[0]),
            (std::vector<std::string>{"alice@example.org", "x@b.test", "y@b.test", "z@c.test"}));
}

// Spec §7.5 step 4: an error (the router's bounce for an unreachable peer) makes the peer done
// at once: no waiting for the deadline.
TEST_F(FanOutTest, AnErrorMakesThePeerDoneAtOnce) {
  ask("alice@example.org/phone", {"alice@example.org", "x@example.org"});
  host_.runPendingWork();
  ASSERT_TRUE(host_.answerIq(errorFor(questionTo("b.test"))));
  ASSERT_TRUE(host_.answerIq(resultFor(questionTo("c.test"), {"x@c.test"})));
  const auto replies = answers();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(itemsOf(replies[0]), (std::vector<std::string>{"alice@example.org", "x@c.test"}));
  EXPECT_TRUE(host_.waitingIqs().empty());
}

// Spec §7.5 step 5: at the deadline the answer goes with what came; a late answer is dropped.
TEST_F(FanOutTest, TheDeadlineAnswersWithWhatCame) {
  ask("alice@example.org/phone", {"x@example.org"});
  host_.runPendingWork();
  const auto toC = questionTo("c.test");
  ASSERT_TRUE(host_.answerIq(resultFor(questionTo("b.test"), {"x@b.test"})));
  EXPECT_TRUE(answers().empty());
  host_.expireIqs();
  const auto replies = answers();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(itemsOf(replies[0]), (std::vector<std::string>{"x@b.test"}));
  EXPECT_FALSE(host_.answerIq(resultFor(toC, {"x@c.test"})));
  EXPECT_TRUE(answers().empty());
}

TEST_F(FanOutTest, NoQuestionsWhenEveryoneIsLocal) {
  ask("alice@example.org/phone", {"alice@example.org"});
  host_.runPendingWork();
  EXPECT_TRUE(host_.waitingIqs().empty());
  const auto replies = answers();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(itemsOf(replies[0]), (std::vector<std::string>{"alice@example.org"}));
}

// Spec §7.4: a request counts against the user's limit until the fan-out answered it.
TEST_F(FanOutTest, AFanOutCountsAsPendingUntilAnswered) {
  ask("alice@example.org/phone", {"x@example.org"}, "m1");
  host_.runPendingWork();
  ask("alice@example.org/phone", {"x@example.org"}, "m2");
  auto replies = answers();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(condition(replies[0]), "wait resource-constraint");
  host_.expireIqs();
  ASSERT_EQ(answers().size(), 1u);
  ask("alice@example.org/phone", {"x@example.org"}, "m3");
  host_.runPendingWork();
  EXPECT_EQ(host_.waitingIqs().size(), 2u);
}

// Spec §7.6: probe@X of a network domain (a disabled one too) is answered from the local
// accounts only, never fanned out.
TEST_F(FanOutTest, ANetworkServersProbeIsAnsweredFromLocalAccountsOnly) {
  for (const char* from : {"probe@b.test", "probe@off.test"}) {
    ask(from, {"alice@example.org", "x@example.org", "y@b.test"});
    host_.runPendingWork();
    EXPECT_TRUE(host_.waitingIqs().empty());
    const auto replies = answers();
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].attribute("to"), from);
    EXPECT_EQ(itemsOf(replies[0]), (std::vector<std::string>{"alice@example.org"}));
  }
}

// Spec §7.4, §7.6: anyone else is forbidden: a user of another server, probe@ of a domain not in
// the list.
TEST_F(FanOutTest, OthersAreForbidden) {
  for (const char* from : {"bob@b.test/phone", "probe@d.test", "bob@b.test", "b.test"}) {
    ask(from, {"alice@example.org"});
    EXPECT_EQ(host_.pendingWork(), 0u);
    const auto replies = answers();
    ASSERT_EQ(replies.size(), 1u) << from;
    EXPECT_EQ(condition(replies[0]), "auth forbidden") << from;
  }
}

// Spec §7.2: a listed server that is not a member (require_certificate, verify_keys: the
// directory says so) is neither asked nor answered.
TEST_F(FanOutTest, ANonMemberIsNotAskedAndItsProbesAreRefused) {
  network_.untrusted = {"b.test"};
  ask("alice@example.org/phone", {"x@example.org"});
  host_.runPendingWork();
  const auto questions = host_.waitingIqs();
  ASSERT_EQ(questions.size(), 1u);
  EXPECT_EQ(questions[0].attribute("to"), "probe@c.test");
  ask("probe@b.test", {"alice@example.org"}, "m2");
  EXPECT_EQ(host_.pendingWork(), 0u);
  const auto replies = answers();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].attribute("to"), "probe@b.test");
  EXPECT_EQ(condition(replies[0]), "auth forbidden");
}

// The registration check (spec §7.7) through api::NetworkProbe.
TEST_F(FanOutTest, TheNetworkProbeServiceAsksThePeers) {
  auto* service = host_.service<api::NetworkProbe>();
  ASSERT_NE(service, nullptr);
  std::optional<std::vector<xmpp::Jid>> found;
  service->findOnPeers({"x"}, [&found](std::vector<xmpp::Jid> matches) { found = matches; });
  ASSERT_EQ(host_.waitingIqs().size(), 2u);
  ASSERT_TRUE(host_.answerIq(errorFor(questionTo("b.test"))));
  EXPECT_FALSE(found);
  ASSERT_TRUE(host_.answerIq(resultFor(questionTo("c.test"), {"x@c.test"})));
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].bareString(), "x@c.test");
}

}  // namespace
}  // namespace kontalk::modules
