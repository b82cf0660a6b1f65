// Status and Result<T>: the one error style of meetleak.
//
// Every fallible function returns a Status (or a Result<T> holding a value or
// a Status). Nothing throws across a module boundary: code that calls a
// throwing library (toml++, nlohmann::json, std::filesystem) catches at the
// call and returns a Status.
//
// A Status carries a Code, which the CLI maps to an exit code, and a message
// of one or more lines, each naming what is at fault ("meetings.csv:7: bad
// owner_email 'x'"). Messages never contain secrets: callers redact first.
//
//   Status s = store.Open(path);
//   if (!s.ok()) { std::cerr << s.ToString() << "\n"; return ExitCodeFor(s); }
//
//   Result<Inventory> inv = Inventory::FromCsv(text, "meetings.csv");
//   if (!inv.ok()) return inv.status();
//   Use(*inv);
#ifndef MEETLEAK_BASE_STATUS_H_
#define MEETLEAK_BASE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace meetleak {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidInput,  // bad usage, config, CSV or other user-supplied file (exit 2)
    kBusy,          // a lock is held by another process (exit 2)
    kTooNew,        // the DB was written by a newer meetleak (exit 2)
    kNotFound,      // a file or record does not exist
    kIOError,       // reading or writing a local file failed
    kUnavailable,   // network or HTTP failure: the thing could not be read (exit 3)
    kRefused,       // refused by policy: address guard, robots.txt, Zoom host (exit 3)
    kCorruption,    // stored data is damaged (exit 4)
    kInternal,      // a bug or a storage failure (exit 4)
  };

  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidInput(std::string m) { return {Code::kInvalidInput, std::move(m)}; }
  static Status Busy(std::string m) { return {Code::kBusy, std::move(m)}; }
  static Status TooNew(std::string m) { return {Code::kTooNew, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status IOError(std::string m) { return {Code::kIOError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Refused(std::string m) { return {Code::kRefused, std::move(m)}; }
  static Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "OK", or "<code name>: <message>".
  std::string ToString() const;
  static std::string_view CodeName(Code code);

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none. Result<T> built
// from an OK Status is a programming error (asserted).
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok());
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

#define MEETLEAK_RETURN_IF_ERROR(expr) \
  do {                                 \
    ::meetleak::Status _st = (expr);   \
    if (!_st.ok()) return _st;         \
  } while (0)

}  // namespace meetleak

#endif  // MEETLEAK_BASE_STATUS_H_
