// The registration steps (spec §4.1, §4.2) against real storage and a real server key, on the
// shared fake host, which queues blocking work so that the test sees which stages ran on which
// pool.
#include <gtest/gtest.h>

#include <memory>

#include "api/fake_module_host.hpp"
#include "api/fake_network.hpp"
#include "base/encoding.hpp"
#include "modules/register/phone_number.hpp"
#include "modules/register/registration.hpp"
#include "modules/register/registration_forms.hpp"
#include "pgp/server_key.hpp"
#include "pgp/test_keys.hpp"
#include "xml/element.hpp"

namespace kontalk::modules::registration {
namespace {

using api::WorkKind;

constexpr const char* kDomain = "example.net";
constexpr const char* kPhone = "+15555215554";
constexpr const char* kCode = "123456";
constexpr const char* kAddress = "203.0.113.7";
constexpr const char* kStanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas";

// A new-format OpenPGP packet (RFC 4880 §4.2.2.3, five-octet length).
std::string packet(int tag, std::string_view body) {
  std::string out{static_cast<char>(0xC0 | tag), static_cast<char>(0xFF)};
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((body.size() >> shift) & 0xFF));
  }
  return out.append(body);
}

// A key block whose framing names `email` but whose key packet is not a key (v4, RSA, with
// truncated material): readable as a claim, refused by any key parser. `padding` user ids make
// it as large as an attacker likes.
std::string garbageKey(const std::string& email, int padding = 0) {
  std::string block = packet(6, std::string("\x04\x60\x00\x00\x00\x01\x08\x00", 8));
  block += packet(13, "Mallory <" + email + ">");
  for (int i = 0; i < padding; ++i) {
    block += packet(13, "Padding " + std::to_string(i) + " <p" + std::to_string(i) + "@x.invalid>");
    block += packet(2, std::string(300, '\x42'));
  }
  return block;
}

class CodeStepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterSettings settings;
    settings.provider = "fixed";
    settings.fixedCode = kCode;
    settings.throttleCodeAddress = codeLimit_;
    registration_ = std::make_unique<Registration>(host_, settings, network_);
  }

  // Runs queued work in order, including what it queues, until none is left; returns the kinds.
  // (workKinds() lists every job ever queued, oldest first: the pending ones are its tail.)
  std::vector<WorkKind> runAll() {
    const auto first = host_.workKinds().size() - host_.pendingWork();
    host_.runPendingWork();
    return {host_.workKinds().begin() + static_cast<std::ptrdiff_t>(first),
            host_.workKinds().end()};
  }

  // Sends a registration set and returns the stanzas answered on the stream.
  void submit(const xmpp::DataForm& form) {
    xml::Element stanza("iq", "jabber:client");
    stanza.setAttribute("type", "set");
    stanza.setAttribute("id", "r" + std::to_string(++ids_));
    auto& query = stanza.addChild("query", kRegisterNamespace);
    query.addChild(form.toElement());
    const api::ClientInfo client{std::string(kAddress) + ":5222", ""};
    const api::IqRequest request{
        stanza,      *stanza.childElements().front(),
        xmpp::Jid{}, *xmpp::Jid::parse(kDomain),
        &client,     [this](xml::Element reply) { replies_.push_back(std::move(reply)); }};
    registration_->handlePreAuthSet(request);
  }

  void requestCode(bool force = false) {
    xmpp::DataForm form;
    form.type = "submit";
    form.fields.push_back({"phone", "text-single", "", {kPhone}});
    if (force) form.fields.push_back({"force", "boolean", "", {"true"}});
    submit(form);
  }

  void submitCode(const std::string& code, const std::string& keyBlock) {
    xmpp::DataForm form;
    form.type = "submit";
    form.fields.push_back({"FORM_TYPE", "hidden", "", {kCodeFormType}});
    form.fields.push_back({"code", "text-single", "", {code}});
    form.fields.push_back({"publickey", "text-single", "", {base::base64Encode(keyBlock)}});
    submit(form);
  }

  // The one answer since the last call: "result" or the error condition and text.
  std::string answer() {
    EXPECT_EQ(replies_.size(), 1u);
    if (replies_.empty()) return "(none)";
    const xml::Element reply = std::move(replies_.front());
    replies_.clear();
    if (reply.attribute("type") == "result") return "result";
    const auto* error = reply.child("error", "jabber:client");
    if (error == nullptr) return "(no error element)";
    for (const auto* condition : error->childElements()) {
      if (condition->xmlns() != kStanzaErrors || condition->name() == "text") continue;
      return condition->name() + " (" + std::string(error->attribute("type")) +
             "): " + error->childText("text", kStanzaErrors);
    }
    return "(no condition)";
  }

  std::optional<storage::VerificationRequest> pending() {
    auto found = host_.database().registration().findVerification(user(), kDomain, 0);
    EXPECT_TRUE(found);
    return found ? *found : std::nullopt;
  }

  static std::string user() { return usernameForPhoneNumber(kPhone); }
  static std::string email() { return user() + "@" + kDomain; }

  AttemptLimit codeLimit_{};  // off unless a test sets it before SetUp
  api::testing::FakeModuleHost host_{kDomain, "register"};
  api::testing::FakeNetworkProbe network_;  // no peer knows the number unless a test says so
  std::unique_ptr<Registration> registration_;
  std::vector<xml::Element> replies_;
  int ids_ = 0;
};

TEST_F(CodeStepTest, PhoneStepRunsTheProviderOnTheExternalPool) {
  requestCode();
  EXPECT_EQ(runAll(),
            (std::vector<WorkKind>{WorkKind::Storage, WorkKind::External, WorkKind::Storage}));
  EXPECT_EQ(answer(), "result");
  ASSERT_TRUE(pending());
  EXPECT_EQ(pending()->provider, "fixed");
}

// Spec §7.7: a number registered on another server of the network is a conflict, asked after
// the local look-up found nothing.
TEST_F(CodeStepTest, PhoneStepRefusesANumberRegisteredOnAPeer) {
  network_.answerAtOnce = std::vector<xmpp::Jid>{*xmpp::Jid::parse(user() + "@b.test")};
  requestCode();
  EXPECT_EQ(runAll(), (std::vector<WorkKind>{WorkKind::Storage}));
  EXPECT_EQ(answer(), "conflict (modify): Another user is registered with the same id.");
  ASSERT_EQ(network_.asked.size(), 1u);
  EXPECT_EQ(network_.asked[0].localparts, std::vector<std::string>{user()});
  EXPECT_FALSE(pending());
}

// Spec §7.7: the verification starts once the peers answered (or failed, or timed out).
TEST_F(CodeStepTest, PhoneStepWaitsForThePeersThenStarts) {
  network_.answerAtOnce.reset();
  requestCode();
  host_.runPendingWork();
  EXPECT_TRUE(replies_.empty()) << "answered before the peers";
  ASSERT_EQ(network_.asked.size(), 1u);
  network_.asked[0].done({});
  host_.runPendingWork();
  EXPECT_EQ(answer(), "result");
  EXPECT_TRUE(pending());
}

// Spec §7.7: a local account is a conflict at once, without asking the peers; `force` asks
// nobody.
TEST_F(CodeStepTest, PhoneStepAsksNoPeerForALocalAccountOrWhenForced) {
  ASSERT_TRUE(host_.database().accounts().create(storage::Account{user(), kDomain, {}, {}, 1}));
  requestCode();
  runAll();
  EXPECT_EQ(answer(), "conflict (modify): Another user is registered with the same id.");
  requestCode(true);
  runAll();
  EXPECT_EQ(answer(), "result");
  EXPECT_TRUE(network_.asked.empty());
}

TEST_F(CodeStepTest, WrongCodeWithAGarbageKeyIsAWrongCodeAndTheKeyIsNeverParsed) {
  requestCode();
  runAll();
  answer();
  // ~200 KiB that no key parser accepts: had the key been parsed, the answer would be
  // forbidden ("Invalid public key."), before or instead of the code's verdict.
  const std::string huge = garbageKey(email(), 600);
  ASSERT_GT(huge.size(), 190000u);
  ASSERT_FALSE(pgp::PublicKey::parse(huge));
  submitCode("000000", huge);
  EXPECT_EQ(runAll(),
            (std::vector<WorkKind>{WorkKind::Storage, WorkKind::External, WorkKind::Storage}));
  EXPECT_EQ(answer(), "bad-request (modify): Invalid verification code.");
  ASSERT_TRUE(pending());
  EXPECT_EQ(pending()->failedAttempts, 1);
  EXPECT_TRUE(host_.keyChangesAnnounced().empty());
}

TEST_F(CodeStepTest, GarbageKeyWithoutPendingVerificationCostsOneLookUp) {
  submitCode(kCode, garbageKey(email(), 600));
  EXPECT_EQ(runAll(), (std::vector<WorkKind>{WorkKind::Storage}));
  EXPECT_EQ(answer(), "bad-request (modify): Invalid verification code.");
}

TEST_F(CodeStepTest, RightCodeWithAGarbageKeyIsRefusedForTheKeyAndCounted) {
  requestCode();
  runAll();
  answer();
  submitCode(kCode, garbageKey(email()));
  runAll();
  EXPECT_EQ(answer(), "forbidden (auth): Invalid public key.");
  // The code stays usable with a proper key, but the attempt counts: the right code buys a
  // bounded number of key checks.
  ASSERT_TRUE(pending());
  EXPECT_EQ(pending()->failedAttempts, 1);
  auto account = host_.database().accounts().find(user(), kDomain);
  ASSERT_TRUE(account);
  EXPECT_FALSE(*account);
}

TEST_F(CodeStepTest, RightCodeWithAValidKeyRegistersTheAccountWithItsCertifiedKey) {
  requestCode();
  runAll();
  answer();
  const auto key = pgp::testing::makeUserKey("Alice <" + email() + ">");
  submitCode(kCode, key.publicBinary);
  EXPECT_EQ(runAll(),
            (std::vector<WorkKind>{WorkKind::Storage, WorkKind::External, WorkKind::Storage}));
  EXPECT_EQ(answer(), "result");
  EXPECT_FALSE(pending());
  auto stored = host_.database().keys().currentKey(user(), kDomain);
  ASSERT_TRUE(stored);
  ASSERT_TRUE(*stored);
  auto certified = pgp::PublicKey::parse((*stored)->keyBinary);
  ASSERT_TRUE(certified);
  EXPECT_EQ(host_.serverKey().certifiedJid(*certified, kDomain).value_or(""), email());
  ASSERT_EQ(host_.keyChangesAnnounced().size(), 1u);
  EXPECT_EQ(host_.keyChangesAnnounced()[0].fingerprint, certified->fingerprint());
}

TEST_F(CodeStepTest, KeyNamingAnotherNumberIsRefusedWithoutWork) {
  const auto key = pgp::testing::makeUserKey("Mallory <" + usernameForPhoneNumber("+15555215555") +
                                             "@" + kDomain + ">");
  requestCode();
  runAll();
  answer();
  submitCode(kCode, key.publicBinary);
  runAll();
  EXPECT_EQ(answer(), "bad-request (modify): Invalid verification code.");
  EXPECT_EQ(pending()->failedAttempts, 0);
}

class ThrottledCodeStepTest : public CodeStepTest {
 protected:
  void SetUp() override {
    codeLimit_ = AttemptLimit{2, std::chrono::seconds(3600)};
    CodeStepTest::SetUp();
  }
};

TEST_F(ThrottledCodeStepTest, SubmissionsBeyondTheAddressLimitAreRefusedBeforeAnyWork) {
  const std::string huge = garbageKey(email(), 600);
  submitCode("000000", huge);
  submitCode("000000", huge);
  EXPECT_EQ(runAll().size(), 2u);
  replies_.clear();
  submitCode("000000", huge);
  EXPECT_TRUE(runAll().empty());
  EXPECT_EQ(answer(), "service-unavailable (wait): Too many attempts.");
}

}  // namespace
}  // namespace kontalk::modules::registration
