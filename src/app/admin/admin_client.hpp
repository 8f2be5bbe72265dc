#pragma once
// kontalkctl's end of the admin socket (app/admin/admin_protocol.hpp): connect, send one request,
// read the one response.
// Threading: blocking; kontalkctl's one thread.

#include <filesystem>
#include <string>
#include <vector>

#include "app/admin/admin_protocol.hpp"

namespace kontalk::admin {

struct ServerAnswer {
  enum class Outcome {
    Answered,  // `response` holds the server's answer
    NoServer,  // nothing listens on the socket: no file, or a stale one (ECONNREFUSED)
    Failed,    // a server may be there but the exchange failed (`problem` says how)
  };
  Outcome outcome = Outcome::Failed;
  Response response;
  std::string problem;
};

// Waits at most kAnswerTimeout for the answer.
ServerAnswer askServer(const std::filesystem::path& socket,
                       const std::vector<std::string>& arguments);

}  // namespace kontalk::admin
