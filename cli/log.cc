#include "cli/log.h"

#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/terminal.h"
#include "matchers/matcher.h"

namespace meetleak::cli {

Log::Log(LogFormat format, bool quiet, bool verbose)
    : format_(format), quiet_(quiet), verbose_(verbose), tty_(isatty(STDERR_FILENO) == 1) {}

bool Log::Enabled(LogLevel level) const {
  switch (level) {
    case LogLevel::kError:
      return true;
    case LogLevel::kWarning:
    case LogLevel::kInfo:
      return !quiet_;
    case LogLevel::kDetail:
      return format_ == LogFormat::kJson ? !quiet_ : verbose_;
    case LogLevel::kDebug:
      return verbose_;
  }
  return true;
}

namespace {

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "error";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kInfo:
    case LogLevel::kDetail:
      return "info";
    case LogLevel::kDebug:
      return "debug";
  }
  return "info";
}

}  // namespace

void Log::Write(LogLevel level, std::string_view event, std::string_view url,
                std::string_view message) const {
  if (!Enabled(level)) return;
  const std::string text = RedactSecrets(message);
  if (format_ == LogFormat::kJson) {
    nlohmann::ordered_json j{{"time", FormatIso8601(SystemClock()->Now())},
                             {"level", LevelName(level)},
                             {"event", event.empty() ? "message" : event},
                             {"url", nullptr},
                             {"message", text}};
    if (!url.empty()) j["url"] = RedactSecrets(url);
    std::cerr << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  // A progress line may stand on the terminal: the message replaces it, and
  // the next tick draws it again below.
  if (tty_) std::cerr << "\r\033[K";
  std::cerr << "meetleak: ";
  if (level == LogLevel::kError) std::cerr << "error: ";
  if (level == LogLevel::kWarning) std::cerr << "warning: ";
  std::cerr << TerminalSafe(text) << "\n";
}

LogFormat LogFormatFromArgs(int argc, char** argv) {
  LogFormat format = LogFormat::kText;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") break;
    if (a == "--log-format=json" ||
        (a == "--log-format" && i + 1 < argc && std::string_view(argv[i + 1]) == "json"))
      format = LogFormat::kJson;
    else if (a == "--log-format=text" ||
             (a == "--log-format" && i + 1 < argc && std::string_view(argv[i + 1]) == "text"))
      format = LogFormat::kText;
  }
  return format;
}

}  // namespace meetleak::cli
