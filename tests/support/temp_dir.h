// TempDir: a fresh directory under $TMPDIR, removed with everything in it
// when the object dies. RunProgram: runs a program with arguments and stdin,
// returns its exit code, stdout and stderr (for end-to-end tests of
// build/meetleak).
#ifndef MEETLEAK_TESTS_SUPPORT_TEMP_DIR_H_
#define MEETLEAK_TESTS_SUPPORT_TEMP_DIR_H_

#include <filesystem>
#include <string>
#include <vector>

namespace meetleak::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to path()/name (creating parent folders) and returns the path.
  std::filesystem::path Write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

std::string ReadFile(const std::filesystem::path& path);

struct ProgramResult {
  int exit_code = -1;  // -1 if killed by a signal (signal in term_signal)
  int term_signal = 0;
  std::string out;
  std::string err;
};

// Runs argv[0] (a path) with argv, feeding `stdin_text`, in `cwd` if given.
// `env` entries "NAME=value" are added to the environment.
ProgramResult RunProgram(const std::vector<std::string>& argv, const std::string& stdin_text = "",
                         const std::filesystem::path& cwd = {},
                         const std::vector<std::string>& env = {});

// Starts argv[0] in the background with stdout/stderr to the given files and
// stdin from /dev/null; returns its pid. WaitProgram reaps it.
int StartProgram(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                 const std::filesystem::path& out, const std::filesystem::path& err);
// Waits for `pid`; returns its ProgramResult with exit code or signal (no output).
ProgramResult WaitProgram(int pid);

}  // namespace meetleak::testing

#endif  // MEETLEAK_TESTS_SUPPORT_TEMP_DIR_H_
