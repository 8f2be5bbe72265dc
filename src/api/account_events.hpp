#pragma once
// What one module tells the others about an account (a module never reads another's tables).
// Threading: KeyChange is a value; a KeyChangeHandler runs on the thread that announces the
// change, usually a worker.

#include <functional>
#include <string>

#include "xmpp/jid.hpp"

namespace kontalk::api {

// An account's OpenPGP key changed (registration, key rollover): modules that keep a copy of it
// follow at once (spec §5, §0: presence carries the current fingerprint).
struct KeyChange {
  xmpp::Jid account;  // bare JID
  std::string fingerprint;
  std::string keyBinary;  // the key block as stored, with the server's certification
};
// Runs on the announcing thread (a worker, usually): thread-safe, never blocking.
using KeyChangeHandler = std::function<void(const KeyChange&)>;

}  // namespace kontalk::api
