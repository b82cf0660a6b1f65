#include "base/status.h"

namespace meetleak {

std::string_view Status::CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidInput:
      return "invalid input";
    case Code::kBusy:
      return "busy";
    case Code::kTooNew:
      return "too new";
    case Code::kNotFound:
      return "not found";
    case Code::kIOError:
      return "I/O error";
    case Code::kUnavailable:
      return "unavailable";
    case Code::kRefused:
      return "refused";
    case Code::kCorruption:
      return "corruption";
    case Code::kInternal:
      return "internal error";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace meetleak
