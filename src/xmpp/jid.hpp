#pragma once
// XMPP addresses (RFC 7622 syntax and length limits) prepared with the stringprep profiles of
// RFC 6122 (nodeprep, nameprep, resourceprep via libidn), which is what deployed clients expect.
// A Jid is always valid and prepared: the only way to make one from text is parse().
// Threading: plain values and pure functions; any thread.

#include <compare>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kontalk::xmpp {

class Jid {
 public:
  Jid() = default;  // the empty JID; isEmpty() is true

  // Parses and prepares "[local@]domain[/resource]". nullopt for anything invalid: empty parts
  // where a separator is present, parts over 1023 bytes after preparation, prohibited code points,
  // bad UTF-8, an IP literal that is malformed.
  static std::optional<Jid> parse(std::string_view text);
  // Builds from parts that are prepared here; nullopt if any part is invalid. Empty local/resource
  // mean absent.
  static std::optional<Jid> fromParts(std::string_view local, std::string_view domain,
                                      std::string_view resource = {});

  const std::string& local() const { return local_; }
  const std::string& domain() const { return domain_; }
  const std::string& resource() const { return resource_; }

  bool isEmpty() const { return domain_.empty(); }
  bool isBare() const { return resource_.empty(); }
  bool isDomain() const { return local_.empty() && resource_.empty(); }

  Jid bare() const;                                            // without the resource
  Jid withResource(std::string_view prepared_resource) const;  // resource must already be valid
  std::string toString() const;                                // "local@domain/resource"
  std::string bareString() const;                              // "local@domain"

  friend bool operator==(const Jid&, const Jid&) = default;
  friend auto operator<=>(const Jid&, const Jid&) = default;

 private:
  std::string local_;
  std::string domain_;
  std::string resource_;
};

// Prepares a single part; nullopt when invalid. Exposed for resource binding and registration.
std::optional<std::string> nodeprep(std::string_view local);
std::optional<std::string> nameprep(std::string_view domain);
std::optional<std::string> resourceprep(std::string_view resource);

}  // namespace kontalk::xmpp

template <>
struct std::hash<kontalk::xmpp::Jid> {
  std::size_t operator()(const kontalk::xmpp::Jid& jid) const noexcept {
    return std::hash<std::string>{}(jid.toString());
  }
};
