#include "core/logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace kontalk::core {

void configureLogging(const LogSettings& log) {
  std::shared_ptr<spdlog::logger> logger;
  if (log.file.empty()) {
    logger = spdlog::stderr_logger_mt("kontalk");
  } else {
    logger = spdlog::basic_logger_mt("kontalk", log.file);
  }
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%t] %v");
  logger->set_level(spdlog::level::from_str(log.level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace kontalk::core
