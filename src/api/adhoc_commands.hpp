#pragma once
// Ad-hoc commands (XEP-0050) as a service of the adhoc module: other modules add their commands
// here, and the adhoc module runs the protocol for them (sessions, actions, errors, disco#items
// of the commands node). A command sees only its stages: the forms submitted so far in, the
// next form or the outcome out.
//
// Threading: addCommand() and removeCommand() only in Module::start()/stop() (main thread);
// commandsFor() on a shard. A command's `mayExecute` and `execute` run on a shard and must not
// block: `execute` hands blocking work to ModuleHost::runBlocking and answers from there.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/module_host.hpp"
#include "xml/element.hpp"
#include "xmpp/data_form.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::api {

// A command's answer to one stage: a form to fill next, its outcome, or an error (which ends the
// session).
struct AdHocStep {
  enum class Kind { Form, Completed, Error };
  Kind kind = Kind::Completed;
  std::optional<xmpp::DataForm> form;  // Form: what to fill; Completed: a result form, if any
  bool lastStage = false;              // Form: submitting it completes the command
  std::string note;                    // Completed: a note for the user (XEP-0050 §3.4.5)
  std::vector<xml::Element> payload;   // Completed: command-specific elements
  std::optional<xmpp::StanzaError> error;

  static AdHocStep ask(xmpp::DataForm form, bool lastStage) {
    return {Kind::Form, std::move(form), lastStage, {}, {}, {}};
  }
  static AdHocStep done(std::string note, std::optional<xmpp::DataForm> result = std::nullopt) {
    return {Kind::Completed, std::move(result), false, std::move(note), {}, {}};
  }
  static AdHocStep fail(xmpp::StanzaError error) {
    return {Kind::Error, {}, false, {}, {}, std::move(error)};
  }
};

struct AdHocRequest {
  xmpp::Jid requester;                    // full JID, checked with mayExecute
  std::vector<xmpp::DataForm> submitted;  // the forms submitted so far, first stage first
};

// Called exactly once per execute, from any thread.
using AdHocAnswer = std::function<void(AdHocStep)>;

struct AdHocCommand {
  // "" for the server's domain, else the localpart of the module's service address
  // (ServiceAddress, e.g. "network" for network@DOMAIN).
  std::string address;
  std::string node;  // e.g. "http://jabber.org/protocol/admin#add-user"
  std::string name;  // disco#items name
  // Whether `requester` may see and run it; others get <forbidden/> and do not see it.
  std::function<bool(const xmpp::Jid& requester)> mayExecute;
  // Runs the stage after request.submitted.size() forms: the first stage with none.
  std::function<void(const AdHocRequest& request, AdHocAnswer answer)> execute;
};

class AdHocCommands {
 public:
  virtual ~AdHocCommands() = default;
  // One command per (address, node): a second is a start-up error (std::logic_error).
  virtual void addCommand(AdHocCommand command) = 0;
  virtual void removeCommand(const std::string& address, const std::string& node) = 0;
  // The commands at `address` that `requester` may run, as disco#items (XEP-0050 §2.2).
  virtual std::vector<DiscoItem> commandsFor(const std::string& address,
                                             const xmpp::Jid& requester) const = 0;
};

}  // namespace kontalk::api
