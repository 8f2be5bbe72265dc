#include "s2s/dialback_element.hpp"

#include <gtest/gtest.h>

#include "xmpp/namespaces.hpp"

namespace kontalk::s2s {
namespace {

// XEP-0220 §2.1.2's form, which ejabberd 23.01 requires (it ignores <result xmlns='…'/>).
TEST(DialbackElementTest, UsesTheDbPrefixTheStreamHeaderDeclares) {
  xml::Element result("result", ns::kDialback);
  result.setAttribute("from", "k.test");
  result.setAttribute("to", "e.test");
  result.addText("b4835385f37fe2895af6c196b59097b16862406db80559900d96bf6fa7d23df3");
  std::string out;
  appendDialbackElement(out, result);
  EXPECT_EQ(out,
            "<db:result from='k.test' to='e.test'>"
            "b4835385f37fe2895af6c196b59097b16862406db80559900d96bf6fa7d23df3</db:result>");
}

TEST(DialbackElementTest, EscapesAndWritesAnEmptyElementShort) {
  xml::Element verify("verify", ns::kDialback);
  verify.setAttribute("from", "a'b");
  verify.setAttribute("type", "valid");
  std::string out;
  appendDialbackElement(out, verify);
  EXPECT_EQ(out, "<db:verify from='a&apos;b' type='valid'/>");
}

// Children keep the stream's default namespace (jabber:server), as the prefix leaves it alone.
TEST(DialbackElementTest, ChildrenInheritTheStreamNamespace) {
  xml::Element result("result", ns::kDialback);
  result.setAttribute("type", "error");
  result.addChild("error", ns::kClient)
      .setAttribute("type", "cancel")
      .addChild("item-not-found", "urn:ietf:params:xml:ns:xmpp-stanzas");
  std::string out;
  appendDialbackElement(out, result);
  EXPECT_EQ(out,
            "<db:result type='error'><error type='cancel'>"
            "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></db:result>");
}

}  // namespace
}  // namespace kontalk::s2s
