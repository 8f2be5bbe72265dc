#include "modules/pep/caps_hash.hpp"

#include <gtest/gtest.h>

#include "xml/stored_element.hpp"

namespace kontalk::modules::pep {
namespace {

std::optional<std::string> verOf(std::string_view query, std::string_view hash = "sha-1") {
  auto element = xml::parseStoredElement(query);
  EXPECT_TRUE(element);
  return capsVer(*element, hash);
}

// XEP-0115 §5.2 and §5.3: the XEP's own examples.
TEST(CapsHash, MatchesTheSimpleExample) {
  EXPECT_EQ(verOf("<query xmlns='http://jabber.org/protocol/disco#info'>"
                  "<identity category='client' type='pc' name='Exodus 0.9.1'/>"
                  "<feature var='http://jabber.org/protocol/disco#info'/>"
                  "<feature var='http://jabber.org/protocol/disco#items'/>"
                  "<feature var='http://jabber.org/protocol/muc'/>"
                  "<feature var='http://jabber.org/protocol/caps'/></query>"),
            "QgayPKawpkPSDYmwT/WM94uAlu0=");
}

TEST(CapsHash, MatchesTheComplexExampleWithAnExtendedForm) {
  EXPECT_EQ(
      verOf("<query xmlns='http://jabber.org/protocol/disco#info'>"
            "<identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>"
            "<identity xml:lang='el' category='client' name='&#936; 0.11' type='pc'/>"
            "<feature var='http://jabber.org/protocol/disco#items'/>"
            "<feature var='http://jabber.org/protocol/caps'/>"
            "<feature var='http://jabber.org/protocol/disco#info'/>"
            "<feature var='http://jabber.org/protocol/muc'/>"
            "<x xmlns='jabber:x:data' type='result'>"
            "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value>"
            "</field><field var='ip_version' type='text-multi'><value>ipv4</value>"
            "<value>ipv6</value></field><field var='os'><value>Mac</value></field>"
            "<field var='os_version'><value>10.5.1</value></field>"
            "<field var='software'><value>Psi</value></field>"
            "<field var='software_version'><value>0.11</value></field></x></query>"),
      "q07IKJEyjvHSyhy//CH0CxmKi8w=");
}

TEST(CapsHash, RefusesDuplicatesAndUnknownHashes) {
  const char* duplicate =
      "<query xmlns='http://jabber.org/protocol/disco#info'>"
      "<feature var='urn:a'/><feature var='urn:a'/></query>";
  EXPECT_FALSE(verOf(duplicate));
  EXPECT_FALSE(verOf("<query xmlns='http://jabber.org/protocol/disco#info'/>", "md5"));
}

}  // namespace
}  // namespace kontalk::modules::pep
