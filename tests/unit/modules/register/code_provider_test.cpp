#include "modules/register/code_provider.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "modules/register/fixed_provider.hpp"
#include "modules/register/http_call.hpp"
#include "modules/register/http_provider.hpp"
#include "modules/register/log_provider.hpp"

namespace kontalk::modules::registration {
namespace {

TEST(CodeProviderTest, RandomDigitsAreDigitsOfTheRightLength) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto code = randomDigits(6);
    ASSERT_EQ(code.size(), 6u);
    EXPECT_EQ(code.find_first_not_of("0123456789"), std::string::npos) << code;
    seen.insert(code);
  }
  EXPECT_GT(seen.size(), 45u);  // 50 draws from a million: repeats are rare
  EXPECT_EQ(randomDigits(40).size(), 40u);
}

TEST(CodeProviderTest, FixedProviderIssuesAndChecksItsCode) {
  auto provider = makeFixedProvider("123456", "KONTALK");
  EXPECT_EQ(provider->name(), "fixed");
  EXPECT_EQ(provider->challengeType(), "pin");
  EXPECT_EQ(provider->senderId(), "KONTALK");
  const auto started = provider->start("example.org", "+15555215554");
  ASSERT_TRUE(started);
  EXPECT_FALSE(started->sender);  // the configured sender id is shown
  EXPECT_EQ(provider->check(started->handle, "123456"), CodeCheck::Accepted);
  EXPECT_EQ(provider->check(started->handle, "123457"), CodeCheck::WrongCode);
  EXPECT_EQ(provider->check(started->handle, "12345"), CodeCheck::WrongCode);
  EXPECT_EQ(provider->check(started->handle, ""), CodeCheck::WrongCode);
  EXPECT_TRUE(provider->needsCode());
}

TEST(CodeProviderTest, LogProviderWritesTheCodeFile) {
  const auto directory = std::filesystem::temp_directory_path() /
                         ("kontalk-log-provider-" + std::to_string(::getpid())) / "verification";
  auto provider = makeLogProvider(directory, "KONTALK");
  const auto started = provider->start("example.org", "+15555215554");
  ASSERT_TRUE(started) << started.error().message;
  std::ifstream file(directory / "+15555215554");
  std::string code;
  file >> code;
  EXPECT_EQ(code, started->handle);
  EXPECT_EQ(provider->check(started->handle, code), CodeCheck::Accepted);
  std::filesystem::remove_all(directory.parent_path());
}

TEST(CodeProviderTest, HttpBodyEscapesForForms) {
  HttpProviderConfig config;
  config.body = "to={phone}&from={sender}&text=Code+{code}";
  config.contentType = "application/x-www-form-urlencoded";
  config.senderId = "My Service";
  EXPECT_EQ(renderBody(config, "+15555215554", "123456"),
            "to=%2B15555215554&from=My%20Service&text=Code+123456");
}

TEST(CodeProviderTest, HttpBodyEscapesForJson) {
  HttpProviderConfig config;
  config.body = R"({"to":"{phone}","from":"{sender}","code":"{code}"})";
  config.contentType = "application/json";
  config.senderId = "Say \"hi\"";
  EXPECT_EQ(renderBody(config, "+15555215554", "123456"),
            R"({"to":"+15555215554","from":"Say \"hi\"","code":"123456"})");
}

TEST(CodeProviderTest, HttpProviderReportsAnUnreachableGatewayAsTransient) {
  initHttpCalls();
  HttpProviderConfig config;
  config.url = "http://127.0.0.1:1/sms";  // nothing listens on port 1
  config.body = "{code}";
  config.contentType = "text/plain";
  config.timeout = std::chrono::seconds(5);
  auto provider = makeHttpProvider(config);
  const auto started = provider->start("example.org", "+15555215554");
  ASSERT_FALSE(started);
  EXPECT_TRUE(started.error().isTransient());
  EXPECT_NE(started.error().message.find("127.0.0.1:1"), std::string::npos)
      << started.error().message;
}

}  // namespace
}  // namespace kontalk::modules::registration
