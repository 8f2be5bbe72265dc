#include "app/ctl/key_commands.hpp"

#include <ostream>

#include "pgp/server_key.hpp"

namespace kontalk::ctl {

int generateServerKey(const app::Config& config, std::ostream& out, std::ostream& err) {
  const auto& file = config.server.pgpKey;
  if (auto generated = pgp::ServerKey::generate(file, config.server.domain); !generated) {
    err << "kontalkctl: " << generated.error().message << "\n";
    return 1;
  }
  auto key = pgp::ServerKey::load(file);
  if (!key) {
    err << "kontalkctl: " << key.error().message << "\n";
    return 1;
  }
  out << "generated the server key " << key->fingerprint() << " in " << file.string() << "\n";
  return 0;
}

int showServerKey(const app::Config& config, std::ostream& out, std::ostream& err) {
  auto key = pgp::ServerKey::load(config.server.pgpKey);
  if (!key) {
    err << "kontalkctl: " << key.error().message << "\n";
    return 1;
  }
  out << "fingerprint " << key->fingerprint() << "\n" << key->publicKeyArmored();
  return 0;
}

}  // namespace kontalk::ctl
