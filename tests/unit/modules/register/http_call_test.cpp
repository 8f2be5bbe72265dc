#include "modules/register/http_call.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::registration {
namespace {

TEST(HttpCallTest, StatusFailuresAreTransientOnlyForServerErrors) {
  EXPECT_EQ(statusFailure(500, "x").code, StatusCode::Unavailable);
  EXPECT_EQ(statusFailure(503, "x").code, StatusCode::Unavailable);
  EXPECT_EQ(statusFailure(400, "x").code, StatusCode::InvalidArgument);
  EXPECT_EQ(statusFailure(401, "x").code, StatusCode::InvalidArgument);
  EXPECT_EQ(statusFailure(302, "x").code, StatusCode::InvalidArgument);
}

}  // namespace
}  // namespace kontalk::modules::registration
