#include "cli/commands.h"

#include <iostream>
#include <string_view>

namespace meetleak::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk: return 0;
    case Status::Code::kInvalidInput:
    case Status::Code::kBusy:
    case Status::Code::kTooNew:
    case Status::Code::kNotFound: return 2;
    case Status::Code::kUnavailable:
    case Status::Code::kRefused: return 3;
    default: return 4;
  }
}

int Main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--version") {
      std::cout << "meetleak " << MEETLEAK_VERSION << "\n";
      return 0;
    }
  }
  std::cerr << "meetleak: usage: meetleak [--config FILE] [--db FILE] COMMAND ...\n";
  return 2;
}

}  // namespace meetleak::cli
