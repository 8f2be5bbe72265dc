// Which keys a reload finds changed (src/config/document_diff.cpp).

#include "config/document_diff.hpp"

#include <gtest/gtest.h>

#include "config/document.hpp"

namespace kontalk::config {
namespace {

std::vector<std::string> diff(const std::string& before, const std::string& after) {
  return changedKeys(parseDocument(before, "before.toml").root,
                     parseDocument(after, "after.toml").root);
}

TEST(DocumentDiffTest, SameValuesOnOtherLinesAreNoChange) {
  EXPECT_TRUE(diff("[log]\nlevel = \"info\"\n", "\n\n# moved\n[log]\nlevel = \"info\"\n").empty());
}

TEST(DocumentDiffTest, NamesChangedAddedAndRemovedKeysBySection) {
  EXPECT_EQ(
      diff("[log]\nlevel = \"info\"\n[c2s]\nmax_sessions_per_user = 5\n",
           "[log]\nlevel = \"debug\"\n[tls]\ncertificate = \"a.pem\"\n"),
      (std::vector<std::string>{"c2s.max_sessions_per_user", "log.level", "tls.certificate"}));
}

TEST(DocumentDiffTest, ComparesArraysAndNestedTablesWhole) {
  EXPECT_EQ(diff("[modules.network]\nservers = [{domain = \"a\"}]\n",
                 "[modules.network]\nservers = [{domain = \"b\"}]\n"),
            std::vector<std::string>{"modules.network.servers"});
  EXPECT_TRUE(
      diff("[c2s]\nlisten = [\"127.0.0.1:5222\"]\n", "[c2s]\nlisten = [\"127.0.0.1:5222\"]\n")
          .empty());
  EXPECT_EQ(diff("[server]\nthreads = 1\n", "[server]\nthreads = \"1\"\n"),
            std::vector<std::string>{"server.threads"});
}

}  // namespace
}  // namespace kontalk::config
