#pragma once
// xmpp-load's command line.

#include <optional>

#include "options.hpp"

namespace kontalk::bench {

// Parses the arguments; on --help or an error prints the message and returns the exit code to
// end with in `exitCode`, else returns the options.
std::optional<Options> parseCommandLine(int argc, char** argv, int& exitCode);

}  // namespace kontalk::bench
