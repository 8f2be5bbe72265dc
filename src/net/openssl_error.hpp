#pragma once
// OpenSSL's per-thread error queue as text for logs and error values.
//
// Threading: any thread; the queue is the calling thread's own.

#include <string>
#include <string_view>

namespace kontalk::net {

// The oldest error in the calling thread's OpenSSL queue as text (ERR_error_string_n), or
// `whenEmpty` when the queue holds none (a peer closing, a PEM file without the block asked
// for). Empties the queue, so that a later failure does not report this one.
std::string takeOpenSslError(std::string_view whenEmpty = "unknown OpenSSL error");

}  // namespace kontalk::net
