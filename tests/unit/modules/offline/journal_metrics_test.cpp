#include "modules/offline/journal_metrics.hpp"

#include <gtest/gtest.h>

#include <future>

#include "storage/migrated_storage.hpp"
#include "xml/element_text.hpp"

namespace kontalk::modules::offline {
namespace {

double sampleOf(const base::metrics::Registry& registry, std::string_view name,
                const base::metrics::Labels& labels = {}) {
  for (const auto& family : registry.snapshot()) {
    if (family.name != name) continue;
    for (const auto& sample : family.samples) {
      if (sample.labels == labels) return sample.value;
    }
  }
  ADD_FAILURE() << "no sample " << name;
  return -1;
}

class JournalMetricsTest : public storage::testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    ASSERT_TRUE(createAccounts({"alice"}));
    journal_ = std::make_unique<Journal>(
        storage().offline(),
        Journal::Settings{std::chrono::hours(1), true, std::size_t{32} << 20, "example.org",
                          [](std::string_view) { return std::chrono::seconds(300); }},
        0);
  }

  base::metrics::Registry registry_;
  std::unique_ptr<Journal> journal_;
};

TEST_F(JournalMetricsTest, ReadsTheJournalAtEachScrapeAndTheStoredCountsWhenSet) {
  JournalMetrics metrics(*journal_, registry_);
  EXPECT_EQ(sampleOf(registry_, "kontalk_journal_accepting"), 1);
  EXPECT_EQ(sampleOf(registry_, "kontalk_journal_backlog_messages"), 0);

  auto message = xml::parseElement(
      "<message xmlns='jabber:client' from='bob@example.org/phone' to='alice@example.org' "
      "type='chat'><body>hi</body></message>",
      "jabber:client");
  ASSERT_TRUE(message);
  (void)journal_->record(*message, *xmpp::Jid::parse("alice@example.org"), 0);
  std::promise<void> durable;
  journal_->whenDurable([&durable] { durable.set_value(); });
  durable.get_future().wait();
  EXPECT_EQ(sampleOf(registry_, "kontalk_journal_backlog_messages"), 0);  // written

  auto counts = storage().offline().countStored();
  ASSERT_TRUE(counts);
  metrics.setStored(*counts);
  EXPECT_EQ(sampleOf(registry_, "kontalk_offline_messages", {{"queue", "local"}}), 1);
  EXPECT_EQ(sampleOf(registry_, "kontalk_offline_messages", {{"queue", "remote"}}), 0);
}

TEST_F(JournalMetricsTest, CollectorsLeaveWithTheMetrics) {
  { JournalMetrics metrics(*journal_, registry_); }
  for (const auto& family : registry_.snapshot()) {
    if (family.name == "kontalk_journal_backlog_bytes") {
      EXPECT_TRUE(family.samples.empty());
    }
  }
}

}  // namespace
}  // namespace kontalk::modules::offline
