// Log: what meetleak says on stderr, as text lines or, with --log-format
// json, one JSON object per line for log shippers:
//
//   {"time":"2026-12-04T11:20:00Z","level":"error","event":"source_error",
//    "url":"https://example.org/feed.xml","message":"…: connection refused"}
//
// `url` is null when the line is about no URL. Events are the design's
// (Operations): pass_start, pass_end, source_error, leak_new, leak_reopened,
// leak_gone, notify_sent, notify_failed, …; other lines have event
// "message". Levels decide what prints:
//   kError    always (also with -q);
//   kWarning  unless -q;
//   kInfo     unless -q (pass start and summary lines);
//   kDetail   text: only with -v; json: unless -q (per-leak events, which a
//             log shipper wants and a journal reader does not);
//   kDebug    only with -v (per-source lines).
// Every text is scrubbed of secrets once more (RedactSecrets) and, as text,
// made terminal-safe. Not thread-safe: call it from one thread at a time.
#ifndef MEETLEAK_CLI_LOG_H_
#define MEETLEAK_CLI_LOG_H_

#include <optional>
#include <string>
#include <string_view>

namespace meetleak::cli {

enum class LogFormat { kText, kJson };
enum class LogLevel { kError, kWarning, kInfo, kDetail, kDebug };

// What the global flags ask of the log.
struct LogOptions {
  LogFormat format = LogFormat::kText;  // --log-format
  bool quiet = false;                   // -q: no warnings, info or detail (text)
  bool verbose = false;                 // -v: detail (text) and debug lines too
};

class Log {
 public:
  explicit Log(LogOptions options);

  // `event` "" is a plain message; `url` "" names no URL.
  void Write(LogLevel level, std::string_view event, std::string_view url,
             std::string_view message) const;
  void Error(std::string_view message) const { Write(LogLevel::kError, "", "", message); }
  void Warn(std::string_view message) const { Write(LogLevel::kWarning, "", "", message); }
  void Info(std::string_view message) const { Write(LogLevel::kInfo, "", "", message); }
  void Debug(std::string_view message) const { Write(LogLevel::kDebug, "", "", message); }

  // Whether a line of `level` prints at all (to skip building it).
  bool Enabled(LogLevel level) const;
  LogFormat format() const { return options_.format; }

 private:
  LogOptions options_;
  bool tty_;  // stderr is a terminal: a progress line may need clearing first
};

// "text" or "json" → the format; nullopt for any other name.
std::optional<LogFormat> ParseLogFormat(std::string_view name);

// "json" when argv holds --log-format json (or --log-format=json): what
// Main knows before the command line is parsed, for its own errors.
LogFormat LogFormatFromArgs(int argc, char** argv);

}  // namespace meetleak::cli

#endif  // MEETLEAK_CLI_LOG_H_
