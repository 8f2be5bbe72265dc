#pragma once
// [admin]: how kontalkctl reaches the running server (app/admin/admin_socket.hpp).
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <filesystem>

#include "config/section.hpp"

namespace kontalk::app {

struct AdminSettings {
  std::filesystem::path socket = "admin.sock";  // relative to [server] data_dir
};

const config::Section<AdminSettings>& adminOptions();

}  // namespace kontalk::app
