// bench_scan: `meetleak scan FILE` and `meetleak scan -` of one large
// document beside `rg -j1 -c` with the matcher pattern on the same file, in
// one run. The document is ../shared/corpus/pages concatenated, with 1,000
// references of mixed forms planted (all must be found), built in a
// temporary directory.
//
//   bench_scan PAGES_DIR MEETLEAK_BINARY [REPETITIONS]
//
// Each figure is the median wall time of REPETITIONS runs (default 7),
// interleaved so all three see the same machine. The last lines are
// "ratio scan FILE X" and "ratio scan - X" (rg's time ÷ meetleak's).
// Exit status: 0, or 1 when a planted reference was missed or a run failed.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/planted.h"

extern char** environ;

namespace fs = std::filesystem;
using meetleak::bench::Id;
using meetleak::bench::kPlanted;
using meetleak::bench::kRgPattern;
using meetleak::bench::Plant;

namespace {

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct RunResult {
  bool ok = false;
  double seconds = 0;
  std::string out;
};

// Runs argv with stdin from `stdin_path` (or /dev/null) and stdout captured;
// `ok` unless it could not start or exited above `max_exit`.
RunResult Run(const std::vector<std::string>& args, const fs::path& stdin_path, int max_exit) {
  RunResult r;
  int pipefd[2];
  if (pipe(pipefd) != 0) return r;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  std::string in = stdin_path.empty() ? "/dev/null" : stdin_path.string();
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
  posix_spawn_file_actions_addclose(&actions, pipefd[0]);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    return r;
  }
  char buf[65536];
  for (ssize_t n; (n = read(pipefd[0], buf, sizeof buf)) > 0;)
    r.out.append(buf, static_cast<std::size_t>(n));
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) <= max_exit;
  return r;
}

// The planted keys that meetleak's JSON findings hold.
int PlantedFound(const std::string& json, const std::set<std::string>& planted) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded()) return 0;
  std::set<std::string> found;
  for (const auto& f : j["findings"])
    for (const char* k : {"meeting_id", "vanity", "token"})
      if (f[k].is_string() && planted.count(f[k].get<std::string>()) != 0)
        found.insert(f[k].get<std::string>());
  return static_cast<int>(found.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_scan PAGES_DIR MEETLEAK_BINARY [REPETITIONS]\n";
    return 2;
  }
  const fs::path pages = argv[1];
  const std::string meetleak = fs::absolute(argv[2]).string();
  const int reps = argc > 3 ? std::max(1, std::atoi(argv[3])) : 7;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(pages))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> texts;
  texts.reserve(files.size());
  for (const fs::path& f : files) texts.push_back(ReadFile(f));
  // The planting bench_match does, into one document.
  std::set<std::string> planted;
  std::mt19937 rng(42);
  for (int k = 0; k < kPlanted; ++k) {
    std::string& t = texts[rng() % texts.size()];
    std::size_t at = t.find('>', rng() % (t.size() + 1));
    at = at == std::string::npos ? t.size() : at + 1;
    auto [text, key] = Plant(k);
    t.insert(at, "\n<p>" + text + "</p>\n");
    planted.insert(key);
  }
  const fs::path dir = fs::temp_directory_path() / ("bench_scan." + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path doc = dir / "pages.html", csv = dir / "meetings.csv";
  {
    std::ofstream out(doc, std::ios::binary);
    for (const std::string& t : texts) out << t;
    std::ofstream inv(csv);
    inv << "meeting_id,owner_email,topic,kind\n";
    for (int k = 0; k < kPlanted; ++k) inv << Id(k) << ",owner@acme.example,,scheduled\n";
  }
  const double mb = static_cast<double>(fs::file_size(doc)) / 1e6;
  const std::vector<std::string> scan_args = {"--no-store",
                                              "--format",
                                              "json",
                                              "--inventory",
                                              csv.string(),
                                              "--db",
                                              (dir / "none.db").string()};
  std::vector<std::string> file_cmd = {meetleak, "scan", doc.string()};
  std::vector<std::string> stdin_cmd = {meetleak, "scan", "-"};
  file_cmd.insert(file_cmd.end(), scan_args.begin(), scan_args.end());
  stdin_cmd.insert(stdin_cmd.end(), scan_args.begin(), scan_args.end());
  const std::vector<std::string> rg_cmd = {"rg", "-j1", "-c", kRgPattern, doc.string()};
  std::printf("document: %.1f MB (%zu pages of %s concatenated, %d planted)\n", mb, files.size(),
              pages.c_str(), kPlanted);
  std::printf("commands:\n  rg -j1 -c PATTERN %s\n  %s scan %s %s\n  %s scan - %s < %s\n",
              doc.c_str(), meetleak.c_str(), doc.c_str(), "--no-store --format json --inventory …",
              meetleak.c_str(), "--no-store --format json --inventory …", doc.c_str());
  std::vector<double> rg_t, file_t, stdin_t;
  int file_found = 0, stdin_found = 0;
  bool ok = true;
  for (int r = 0; r < reps && ok; ++r) {
    RunResult rg = Run(rg_cmd, "", 1);
    RunResult f = Run(file_cmd, "", 1);
    RunResult s = Run(stdin_cmd, doc, 1);
    ok = rg.ok && f.ok && s.ok;
    rg_t.push_back(rg.seconds);
    file_t.push_back(f.seconds);
    stdin_t.push_back(s.seconds);
    file_found = PlantedFound(f.out, planted);
    stdin_found = PlantedFound(s.out, planted);
  }
  if (std::getenv("BENCH_KEEP") == nullptr) fs::remove_all(dir);  // kept: to profile by hand
  if (!ok) {
    std::fprintf(stderr, "bench_scan: a run failed (is ripgrep installed?)\n");
    return 1;
  }
  std::printf("rg -j1 -c:      %8.1f MB/s  (median of %d, %.3f s)\n", mb / Median(rg_t), reps,
              Median(rg_t));
  std::printf("meetleak scan FILE: %8.1f MB/s  (median of %d, %.3f s; planted found %d/%d)\n",
              mb / Median(file_t), reps, Median(file_t), file_found, kPlanted);
  std::printf("meetleak scan -:    %8.1f MB/s  (median of %d, %.3f s; planted found %d/%d)\n",
              mb / Median(stdin_t), reps, Median(stdin_t), stdin_found, kPlanted);
  std::printf("ratio scan FILE %.2f\nratio scan - %.2f\n", Median(rg_t) / Median(file_t),
              Median(rg_t) / Median(stdin_t));
  return file_found == kPlanted && stdin_found == kPlanted ? 0 : 1;
}
