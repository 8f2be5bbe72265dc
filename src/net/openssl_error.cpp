#include "net/openssl_error.hpp"

#include <openssl/err.h>

namespace kontalk::net {

std::string takeOpenSslError(std::string_view whenEmpty) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return std::string(whenEmpty);
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

}  // namespace kontalk::net
