// Options declared once (src/config/section.hpp): one table per section reads, validates and
// documents its options. A section of the test's own with one option of every kind.

#include "config/section.hpp"

#include <gtest/gtest.h>

#include "config/document.hpp"
#include "config/reference.hpp"

namespace kontalk::config {
namespace {

using namespace std::chrono_literals;

enum class Policy { Replace, Refuse };

// "ATTEMPTS/SECONDS", the syntax of a rate.
struct Rate {
  int attempts = 0;
  int seconds = 0;
};

std::optional<Rate> parseRate(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  try {
    std::size_t used = 0;
    const std::string attempts(text.substr(0, slash));
    const std::string seconds(text.substr(slash + 1));
    Rate rate{std::stoi(attempts, &used), 0};
    if (used != attempts.size()) return std::nullopt;
    rate.seconds = std::stoi(seconds, &used);
    if (used != seconds.size()) return std::nullopt;
    return rate;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

struct BaseSettings {
  std::size_t depth = 8;
};

struct TestSettings : BaseSettings {
  std::size_t count = 10;
  std::chrono::seconds timeout{60};
  double rate = 2.5;
  bool enabled = true;
  std::string name = "kontalk";
  std::filesystem::path file = "data/file";
  std::string level = "info";
  Policy policy = Policy::Replace;
  std::vector<std::string> names{"a", "b"};
  Rate limit{3, 30};
  std::map<std::string, std::string> hosts;
};

const Section<TestSettings>& testOptions() {
  static const Section<TestSettings> section(
      "test", "A section for tests.",
      [](SectionBuilder<TestSettings>& option) {
        option.integer("count", &TestSettings::count, std::size_t{1}, std::size_t{100}, "a count");
        option.integer("depth", &BaseSettings::depth, std::size_t{2}, std::size_t{16},
                       "a field of the base");
        option.duration("timeout", &TestSettings::timeout, 1s, 3600s, "a timeout");
        option.number("rate", &TestSettings::rate, 0.5, 100, "a rate");
        option.flag("enabled", &TestSettings::enabled, "a switch");
        option.text("name", &TestSettings::name, "a name");
        option.path("file", &TestSettings::file, "a file");
        option.choice("level", &TestSettings::level, {"debug", "info", "warn"}, "a level");
        option.choice("policy", &TestSettings::policy,
                      {{"replace", Policy::Replace}, {"refuse", Policy::Refuse}}, "a policy");
        option.textList("names", &TestSettings::names, "some names");
        option.parsed("limit", &TestSettings::limit,
                      ParsedCodec<Rate>{"\"ATTEMPTS/SECONDS\"", parseRate,
                                        [](const Rate& rate) {
                                          return std::to_string(rate.attempts) + "/" +
                                                 std::to_string(rate.seconds);
                                        }},
                      "a rate limit");
        option.textMap("hosts", &TestSettings::hosts, "hosts by name");
      },
      [](const TestSettings& settings) -> std::optional<std::string> {
        if (settings.name == "forbidden") return "name must not be \"forbidden\"";
        return std::nullopt;
      });
  return section;
}

// [test] written as `body` in a file called test.toml; the section's table starts on line 1.
TestSettings read(const std::string& body) {
  const auto document = parseDocument("[test]\n" + body, "test.toml");
  return testOptions().read(&document.root.table()->at("test"), document.file);
}

// The ConfigError `body` causes, "" when none.
std::string errorOf(const std::string& body) {
  try {
    read(body);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// Defaults are the settings struct's member initializers, written once.
TEST(SectionTest, AnAbsentSectionIsTheStructsDefaults) {
  const auto settings = testOptions().read(nullptr, "test.toml");
  const TestSettings defaults;
  EXPECT_EQ(settings.count, defaults.count);
  EXPECT_EQ(settings.depth, defaults.depth);
  EXPECT_EQ(settings.timeout, defaults.timeout);
  EXPECT_EQ(settings.name, defaults.name);
  EXPECT_EQ(settings.names, defaults.names);
  EXPECT_EQ(settings.limit.attempts, 3);
  // An empty section too; keys left out keep their defaults.
  const auto partial = read("count = 20\n");
  EXPECT_EQ(partial.count, 20u);
  EXPECT_EQ(partial.rate, defaults.rate);
  EXPECT_EQ(partial.policy, Policy::Replace);
}

TEST(SectionTest, ReadsEveryKindOfOption) {
  const auto settings = read(
      "count = 42\ndepth = 3\ntimeout = 90\nrate = 7\nenabled = false\nname = \"x\"\n"
      "file = \"/tmp/f\"\nlevel = \"warn\"\npolicy = \"refuse\"\nnames = [\"c\"]\n"
      "limit = \"5/60\"\nhosts = { \"example.net\" = \"127.0.0.1:5269\" }\n");
  EXPECT_EQ(settings.count, 42u);
  EXPECT_EQ(settings.depth, 3u);
  EXPECT_EQ(settings.timeout, 90s);
  EXPECT_EQ(settings.rate, 7.0);  // an integer is as good as a float
  EXPECT_FALSE(settings.enabled);
  EXPECT_EQ(settings.name, "x");
  EXPECT_EQ(settings.file, "/tmp/f");
  EXPECT_EQ(settings.level, "warn");
  EXPECT_EQ(settings.policy, Policy::Refuse);
  EXPECT_EQ(settings.names, std::vector<std::string>{"c"});
  EXPECT_EQ(settings.limit.attempts, 5);
  EXPECT_EQ(settings.limit.seconds, 60);
  EXPECT_EQ(settings.hosts,
            (std::map<std::string, std::string>{{"example.net", "127.0.0.1:5269"}}));
}

// ARCHITECTURE.md §10: unknown keys are errors in every section, naming file, line and the
// keys that exist.
TEST(SectionTest, AnUnknownKeyIsAnErrorWithFileLineAndTheKnownKeys) {
  EXPECT_EQ(errorOf("count = 1\n\ncuont = 2\n"),
            "test.toml:4: [test] cuont is not a known setting (known: count, depth, timeout, "
            "rate, enabled, name, file, level, policy, names, limit, hosts)");
}

TEST(SectionTest, AWrongTypeIsAnError) {
  EXPECT_EQ(errorOf("count = \"ten\"\n"),
            "test.toml:2: [test] count must be an integer from 1 to 100");
  EXPECT_EQ(errorOf("enabled = 1\n"), "test.toml:2: [test] enabled must be true or false");
  EXPECT_EQ(errorOf("name = 1\n"), "test.toml:2: [test] name must be a string");
  EXPECT_EQ(errorOf("timeout = 1.5\n"),
            "test.toml:2: [test] timeout must be a whole number of seconds from 1 to 3600");
  EXPECT_EQ(errorOf("names = \"c\"\n"), "test.toml:2: [test] names must be an array");
  EXPECT_EQ(errorOf("names = [\"c\", 1]\n"),
            "test.toml:2: [test] names has an element that must be a string");
  EXPECT_EQ(errorOf("hosts = { a = 1 }\n"),
            "test.toml:2: [test] hosts has \"a\" which must be a string");
}

TEST(SectionTest, AValueOutOfBoundsIsAnError) {
  EXPECT_EQ(errorOf("count = 0\n"), "test.toml:2: [test] count must be an integer from 1 to 100");
  EXPECT_EQ(errorOf("count = 101\n"), "test.toml:2: [test] count must be an integer from 1 to 100");
  EXPECT_EQ(errorOf("count = -1\n"), "test.toml:2: [test] count must be an integer from 1 to 100");
  EXPECT_EQ(errorOf("depth = 17\n"), "test.toml:2: [test] depth must be an integer from 2 to 16");
  EXPECT_EQ(errorOf("timeout = 0\n"),
            "test.toml:2: [test] timeout must be a whole number of seconds from 1 to 3600");
  EXPECT_EQ(errorOf("rate = 0.25\n"), "test.toml:2: [test] rate must be a number from 0.5 to 100");
  EXPECT_EQ(errorOf("rate = nan\n"), "test.toml:2: [test] rate must be a number from 0.5 to 100");
  EXPECT_EQ(read("count = 1\n").count, 1u);  // the bounds themselves are allowed
  EXPECT_EQ(read("count = 100\n").count, 100u);
}

TEST(SectionTest, AChoiceMustBeOneOfItsValues) {
  EXPECT_EQ(errorOf("level = \"loud\"\n"),
            "test.toml:2: [test] level must be \"debug\", \"info\" or \"warn\"");
  EXPECT_EQ(errorOf("policy = \"Replace\"\n"),
            "test.toml:2: [test] policy must be \"replace\" or \"refuse\"");
  EXPECT_EQ(errorOf("policy = 1\n"),
            "test.toml:2: [test] policy must be \"replace\" or \"refuse\"");
}

// A parsed codec says what syntax it wants and what it got.
TEST(SectionTest, AParsedValueMustHaveItsSyntax) {
  EXPECT_EQ(errorOf("limit = \"5 per minute\"\n"),
            "test.toml:2: [test] limit must be \"ATTEMPTS/SECONDS\", not \"5 per minute\"");
  EXPECT_EQ(errorOf("limit = 5\n"), "test.toml:2: [test] limit must be \"ATTEMPTS/SECONDS\"");
}

// A check across options names the section and the line of its table.
TEST(SectionTest, TheSectionsCheckRunsOnTheResult) {
  EXPECT_EQ(errorOf("count = 1\nname = \"forbidden\"\n"),
            "test.toml:1: [test] name must not be \"forbidden\"");
}

TEST(SectionTest, ASectionThatIsNoTableIsAnError) {
  const auto document = parseDocument("test = 1\n", "test.toml");
  EXPECT_THROW(testOptions().read(&document.root.table()->at("test"), document.file), ConfigError);
}

// The reference (docs/configuration.md, the example file) lists every option, in table order,
// with its type, its default as TOML, what is allowed and its doc line.
TEST(SectionTest, TheReferenceListsEveryOption) {
  const auto reference = testOptions().reference();
  EXPECT_EQ(reference.name, "test");
  EXPECT_EQ(reference.doc, "A section for tests.");
  std::vector<std::string> keys;
  for (const auto& option : reference.options) keys.push_back(option.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"count", "depth", "timeout", "rate", "enabled", "name",
                                            "file", "level", "policy", "names", "limit", "hosts"}));
  const auto& count = reference.options[0];
  EXPECT_EQ(count.type, "integer");
  EXPECT_EQ(count.defaultValue, "10");
  EXPECT_EQ(count.allowed, "1 to 100");
  EXPECT_EQ(count.doc, "a count");
  EXPECT_EQ(reference.options[2].type, "seconds");
  EXPECT_EQ(reference.options[3].defaultValue, "2.5");
  EXPECT_EQ(reference.options[8].defaultValue, "\"replace\"");
  EXPECT_EQ(reference.options[8].allowed, "\"replace\" or \"refuse\"");
  EXPECT_EQ(reference.options[9].type, "array of string");
  EXPECT_EQ(reference.options[9].defaultValue, "[\"a\", \"b\"]");
  EXPECT_EQ(reference.options[10].defaultValue, "\"3/30\"");
  EXPECT_EQ(reference.options[11].defaultValue, "{}");

  const auto markdown = markdownReference({reference});
  for (const auto& key : keys) {
    EXPECT_NE(markdown.find("| `" + key + "` |"), std::string::npos) << key;
  }
}

// The example file sets every key to its default: read back, it is the defaults.
TEST(SectionTest, TheExampleFileReadsBackAsTheDefaults) {
  const auto example = exampleFile({testOptions().reference()});
  const auto document = parseDocument(example, "example.toml");
  const auto settings = testOptions().read(&document.root.table()->at("test"), document.file);
  const TestSettings defaults;
  EXPECT_EQ(settings.count, defaults.count);
  EXPECT_EQ(settings.timeout, defaults.timeout);
  EXPECT_EQ(settings.rate, defaults.rate);
  EXPECT_EQ(settings.enabled, defaults.enabled);
  EXPECT_EQ(settings.file, defaults.file);
  EXPECT_EQ(settings.policy, defaults.policy);
  EXPECT_EQ(settings.names, defaults.names);
  EXPECT_EQ(settings.limit.attempts, defaults.limit.attempts);
  EXPECT_EQ(settings.limit.seconds, defaults.limit.seconds);
  EXPECT_EQ(settings.hosts, defaults.hosts);
}

TEST(DocumentTest, ValuesKnowTheirLines) {
  const auto document = parseDocument("# comment\n[a]\nx = 1\n\ny = [1, 2]\n", "lines.toml");
  const auto& table = *document.root.table()->at("a").table();
  EXPECT_EQ(table.at("x").line, 3);
  EXPECT_EQ(table.at("y").line, 5);
  EXPECT_EQ(table.at("y").typeName(), "array");
}

TEST(DocumentTest, ASyntaxErrorNamesTheFile) {
  try {
    parseDocument("[a\nx = 1\n", "broken.toml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read config broken.toml"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace kontalk::config
