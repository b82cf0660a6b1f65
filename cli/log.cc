#include "cli/log.h"

#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/terminal.h"
#include "matchers/matcher.h"

namespace meetleak::cli {

Log::Log(LogOptions options) : options_(options), tty_(isatty(STDERR_FILENO) == 1) {}

bool Log::Enabled(LogLevel level) const {
  switch (level) {
    case LogLevel::kError:
      return true;
    case LogLevel::kWarning:
    case LogLevel::kInfo:
      return !options_.quiet;
    case LogLevel::kDetail:
      return options_.format == LogFormat::kJson ? !options_.quiet : options_.verbose;
    case LogLevel::kDebug:
      return options_.verbose;
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
  if (options_.format == LogFormat::kJson) {
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

std::optional<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return std::nullopt;
}

LogFormat LogFormatFromArgs(int argc, char** argv) {
  LogFormat format = LogFormat::kText;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") break;
    std::optional<LogFormat> f;
    if (a.starts_with("--log-format="))
      f = ParseLogFormat(a.substr(a.find('=') + 1));
    else if (a == "--log-format" && i + 1 < argc)
      f = ParseLogFormat(argv[i + 1]);
    if (f) format = *f;
  }
  return format;
}

}  // namespace meetleak::cli
