#include "app/config/admin_settings.hpp"

namespace kontalk::app {

const config::Section<AdminSettings>& adminOptions() {
  static const config::Section<AdminSettings> section(
      "admin",
      "The admin socket: `kontalkctl --config FILE` finds it through the same file and uses it "
      "to talk to the running server (status, sessions, reload, log level, live user edits, "
      "broadcast).",
      [](config::SectionBuilder<AdminSettings>& option) {
        option.path("socket", &AdminSettings::socket,
                    "Unix socket of the running server (relative to data_dir), mode 0600: only "
                    "the server's user (and root) may use it");
      });
  return section;
}

}  // namespace kontalk::app
