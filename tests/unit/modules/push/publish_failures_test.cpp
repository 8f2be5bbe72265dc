#include "modules/push/publish_failures.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::push {
namespace {

using Action = PublishFailures::Action;

TEST(PublishFailuresTest, APermanentErrorDisablesAtOnce) {
  PublishFailures failures(10);
  EXPECT_EQ(failures.record("a", PublishAnswer::Permanent), Action::Disable);
  EXPECT_EQ(failures.tracked(), 0u);
}

TEST(PublishFailuresTest, TheThirdTransientErrorInARowDisables) {
  PublishFailures failures(10);
  EXPECT_EQ(failures.record("a", PublishAnswer::Transient), Action::Keep);
  EXPECT_EQ(failures.record("a", PublishAnswer::Transient), Action::Keep);
  EXPECT_EQ(failures.record("a", PublishAnswer::Transient), Action::Disable);
  EXPECT_EQ(failures.tracked(), 0u);
}

TEST(PublishFailuresTest, AResultStartsTheCountAnewAndEntriesAreCountedApart) {
  PublishFailures failures(10);
  failures.record("a", PublishAnswer::Transient);
  failures.record("a", PublishAnswer::Transient);
  EXPECT_EQ(failures.record("b", PublishAnswer::Transient), Action::Keep);
  EXPECT_EQ(failures.record("a", PublishAnswer::Done), Action::Keep);
  EXPECT_EQ(failures.record("a", PublishAnswer::Transient), Action::Keep);
  EXPECT_EQ(failures.record("a", PublishAnswer::Transient), Action::Keep);
  EXPECT_EQ(failures.record("b", PublishAnswer::Transient), Action::Keep);
  EXPECT_EQ(failures.record("b", PublishAnswer::Transient), Action::Disable);
  EXPECT_EQ(failures.record("a", PublishAnswer::Transient), Action::Disable);
}

TEST(PublishFailuresTest, PastCapacityTransientErrorsOfNewEntriesAreNotCounted) {
  PublishFailures failures(1);
  failures.record("a", PublishAnswer::Transient);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(failures.record("b", PublishAnswer::Transient), Action::Keep);
  EXPECT_EQ(failures.tracked(), 1u);
  EXPECT_EQ(failures.record("b", PublishAnswer::Permanent), Action::Disable);
}

}  // namespace
}  // namespace kontalk::modules::push
