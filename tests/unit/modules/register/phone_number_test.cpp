#include "modules/register/phone_number.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::registration {
namespace {

TEST(PhoneNumberTest, UsernameIsSha1OfE164) {
  // The test vector of spec §1.
  EXPECT_EQ(usernameForPhoneNumber("+15555215554"), "4bdd4f929f3a1062253e4e496bafba0bdfb5db75");
}

TEST(PhoneNumberTest, KeepsE164) {
  EXPECT_EQ(normalizePhoneNumber("+15555215554"), "+15555215554");
}

TEST(PhoneNumberTest, DropsSeparators) {
  EXPECT_EQ(normalizePhoneNumber("+1 (555) 521-5554"), "+15555215554");
  EXPECT_EQ(normalizePhoneNumber("+39 333.123/4567"), "+393331234567");
}

TEST(PhoneNumberTest, InternationalPrefixBecomesPlus) {
  EXPECT_EQ(normalizePhoneNumber("0015555215554"), "+15555215554");
}

TEST(PhoneNumberTest, RefusesWhatIsNotE164) {
  EXPECT_FALSE(normalizePhoneNumber(""));
  EXPECT_FALSE(normalizePhoneNumber("5555215554"));         // no country code
  EXPECT_FALSE(normalizePhoneNumber("+1555a215554"));       // letters
  EXPECT_FALSE(normalizePhoneNumber("+12345"));             // too short
  EXPECT_FALSE(normalizePhoneNumber("+1234567890123456"));  // 16 digits
  EXPECT_FALSE(normalizePhoneNumber("+0123456789"));        // country codes never start with 0
  EXPECT_FALSE(normalizePhoneNumber("+1555+5215554"));
  EXPECT_FALSE(normalizePhoneNumber(std::string(100, '1')));
}

TEST(PhoneNumberTest, FifteenDigitsAreAllowed) {
  EXPECT_EQ(normalizePhoneNumber("+123456789012345"), "+123456789012345");
}

}  // namespace
}  // namespace kontalk::modules::registration
