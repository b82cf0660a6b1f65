// The meetleak command line (docs/cli.md).
// Main parses arguments, loads the config, wires the modules and returns the
// process exit code: 0 success / no open company leak, 1 an open company leak
// seen, 2 usage/config/input/lock/newer-DB error, 3 nothing could be read,
// 4 internal or storage error.
#ifndef MEETLEAK_CLI_COMMANDS_H_
#define MEETLEAK_CLI_COMMANDS_H_

#include "base/status.h"

namespace meetleak::cli {

int Main(int argc, char** argv);

// The exit code for a failed Status (2, 3 or 4).
int ExitCodeFor(const Status& status);

}  // namespace meetleak::cli

#endif  // MEETLEAK_CLI_COMMANDS_H_
