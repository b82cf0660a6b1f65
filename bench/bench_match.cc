// bench_match: meetleak's matcher beside `rg -j1 -c` over the same pages, in
// one run; then the matcher alone over a copy with 1,000 planted references
// of mixed forms, which must all be found.
//
//   bench_match PAGES_DIR [REPETITIONS]
//   bench_match --shapes PAGES_DIR [REPETITIONS] [UNIT...]   (adversarial shapes alone;
//   a '#' in a unit is a digit of a number that differs in each repetition)
//
// Both timings include reading the files (rg reads them too); each figure is
// the median of REPETITIONS runs (default 7). rg's count is printed for
// information only: it counts lines matching its pattern, not references.
// The last line is "ratio X" (meetleak MB/s ÷ rg MB/s on the plain pages).
// Exit status: 0, or 1 when a planted reference was missed or rg failed.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/planted.h"
#include "matchers/inventory.h"
#include "matchers/matcher.h"

extern char** environ;

namespace fs = std::filesystem;
using meetleak::Inventory;
using meetleak::Matcher;
using meetleak::MeetingRef;
using meetleak::bench::Grouped;
using meetleak::bench::Id;
using meetleak::bench::kPlanted;
using meetleak::bench::kRgPattern;
using meetleak::bench::Plant;

namespace {

std::vector<fs::path> ListFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

double Seconds(const std::function<void()>& run) {
  auto t0 = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double CpuSeconds(const rusage& ru) {
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// CPU seconds this process spends in `run` (user + system).
double OwnCpuSeconds(const std::function<void()>& run) {
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  run();
  getrusage(RUSAGE_SELF, &after);
  return CpuSeconds(after) - CpuSeconds(before);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs rg, returns the sum of its per-file counts (-1 on failure) and adds
// its CPU seconds to *cpu.
long RunRg(const fs::path& dir, double* cpu) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
  posix_spawn_file_actions_addclose(&actions, pipefd[0]);
  std::string dir_arg = dir.string();
  std::vector<char*> argv = {const_cast<char*>("rg"), const_cast<char*>("-j1"),
                             const_cast<char*>("-c"), const_cast<char*>(kRgPattern),
                             dir_arg.data(),          nullptr};
  pid_t pid;
  int rc = posix_spawnp(&pid, "rg", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    return -1;
  }
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = read(pipefd[0], buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  close(pipefd[0]);
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  *cpu = CpuSeconds(ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) return -1;  // 1: no match
  long total = 0;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    total += std::atol(line.substr(line.rfind(':') + 1).c_str());
  return total;
}

// Reads and scans every file; returns the references found.
std::vector<std::vector<MeetingRef>> ScanFiles(const Matcher& m, const Inventory& inv,
                                               const std::vector<fs::path>& files) {
  std::vector<std::vector<MeetingRef>> refs;
  refs.reserve(files.size());
  for (const fs::path& f : files) refs.push_back(m.Find(ReadFile(f), &inv));
  return refs;
}

// Copies the pages to `dir` with kPlanted references inserted after '>'
// characters at random places. Returns, per file, the keys planted in it.
std::vector<std::multiset<std::string>> PlantCopy(const std::vector<fs::path>& files,
                                                  const fs::path& dir) {
  std::vector<std::string> texts;
  texts.reserve(files.size());
  for (const fs::path& f : files) texts.push_back(ReadFile(f));
  std::vector<std::multiset<std::string>> keys(files.size());
  std::mt19937 rng(42);
  for (int k = 0; k < kPlanted; ++k) {
    std::size_t f = rng() % texts.size();
    std::string& t = texts[f];
    std::size_t at = t.find('>', rng() % (t.size() + 1));
    at = at == std::string::npos ? t.size() : at + 1;
    auto [text, key] = Plant(k);
    t.insert(at, "\n<p>" + text + "</p>\n");
    keys[f].insert(key);
  }
  for (std::size_t f = 0; f < files.size(); ++f)
    std::ofstream(dir / ("page" + std::to_string(f) + ".html"), std::ios::binary) << texts[f];
  return keys;
}

// rg and the matcher over the plain pages, interleaved so both see the same
// machine. Returns meetleak MB/s ÷ rg MB/s, or a negative value if rg failed.
double SideBySide(const Matcher& matcher, const Inventory& inv, const fs::path& pages,
                  const std::vector<fs::path>& files, double mb, int reps) {
  std::vector<double> rg_times, our_times, rg_cpu, our_cpu;
  long rg_count = 0;
  std::size_t our_count = 0;
  for (int r = 0; r < reps; ++r) {
    double cpu = 0;
    rg_times.push_back(Seconds([&] { rg_count = RunRg(pages, &cpu); }));
    rg_cpu.push_back(cpu);
    our_times.push_back(Seconds([&] {
      our_cpu.push_back(OwnCpuSeconds([&] {
        our_count = 0;
        for (const auto& refs : ScanFiles(matcher, inv, files)) our_count += refs.size();
      }));
    }));
    if (rg_count < 0) {
      std::fprintf(stderr, "bench_match: rg failed (is ripgrep installed?)\n");
      return -1;
    }
  }
  double rg_mbs = mb / Median(rg_times), our_mbs = mb / Median(our_times);
  std::printf("rg -j1 -c:        %8.1f MB/s  (median of %d, %.3f s; %ld matching lines)\n", rg_mbs,
              reps, Median(rg_times), rg_count);
  std::printf("meetleak matcher: %8.1f MB/s  (median of %d, %.3f s; %zu references)\n", our_mbs,
              reps, Median(our_times), our_count);
  std::printf(
      "by CPU time (user+sys, less sensitive to a busy machine): rg %.1f MB/s, meetleak %.1f "
      "MB/s\n",
      mb / Median(rg_cpu), mb / Median(our_cpu));
  return our_mbs / rg_mbs;
}

// The matcher over a copy with kPlanted references; returns how many of
// them it found.
int PlantedFound(const Matcher& matcher, const Inventory& inv, const std::vector<fs::path>& files) {
  fs::path copy = fs::temp_directory_path() / ("bench_match." + std::to_string(getpid()));
  fs::create_directories(copy);
  std::vector<std::multiset<std::string>> planted = PlantCopy(files, copy);
  std::vector<fs::path> copies = ListFiles(copy);
  std::vector<std::vector<MeetingRef>> found;
  double t = Seconds([&] { found = ScanFiles(matcher, inv, copies); });
  int hits = 0;
  std::uintmax_t copy_bytes = 0;
  for (std::size_t i = 0; i < copies.size(); ++i) {
    copy_bytes += fs::file_size(copies[i]);
    std::size_t f = static_cast<std::size_t>(std::stoul(copies[i].stem().string().substr(4)));
    std::multiset<std::string> want = planted[f];
    for (const MeetingRef& ref : found[i]) {
      auto it = want.find(ref.key);
      if (it != want.end()) want.erase(it), ++hits;
    }
  }
  fs::remove_all(copy);
  std::printf("planted: found %d/%d  (%.1f MB/s over the copy)\n", hits, kPlanted,
              static_cast<double>(copy_bytes) / 1e6 / t);
  return hits;
}

// Seconds per MB of Find() over `text` in memory (median of `reps`).
double SecondsPerMb(const Matcher& matcher, const Inventory& inv, const std::string& text,
                    int reps) {
  std::vector<double> t;
  t.reserve(static_cast<std::size_t>(reps));
  for (int r = 0; r < reps; ++r) t.push_back(Seconds([&] { (void)matcher.Find(text, &inv); }));
  return Median(t) / (static_cast<double>(text.size()) / 1e6);
}

// `unit` repeated to `size` bytes; each repetition writes a number of its own
// (9 digits, counting up) over the unit's '#' characters, so that a unit
// with '#'s gives distinct references, not one invitation many times.
std::string RepeatUnit(const std::string& unit, std::size_t size) {
  std::string text;
  text.reserve(size + unit.size());
  for (std::size_t k = 0; text.size() < size; ++k) {
    const std::string digits = std::to_string(100000000 + k % 900000000);
    std::size_t d = 0;
    for (char c : unit) text.push_back(c == '#' ? digits[d++ % digits.size()] : c);
  }
  return text;
}

// Adversarial shapes (repeated prefixes, labels, digit runs, wrappers) at 1 MB and 8 MB beside
// ordinary pages, all in memory: time per MB within 1.5x between the sizes and within 3x of
// ordinary pages is the target. Returns the worst ratio to ordinary pages.
// `only`: the shapes to time (all when empty).
double AdversarialTimings(const Matcher& matcher, const Inventory& inv,
                          const std::vector<fs::path>& files, int reps,
                          const std::vector<std::string>& only) {
  std::string pages;
  for (const fs::path& f : files) pages += ReadFile(f);
  const double ordinary = SecondsPerMb(matcher, inv, pages, reps);
  std::printf("ordinary pages (in memory): %.4f s/MB\n", ordinary);
  const std::vector<std::string> kShapes = {
      "zoom.us/j/1",
      "notzoom.us/j/123456789",
      "Meeting ID:",
      "Meeting ID: 123 456 789<br>Passcode: 42 ",
      "Meeting ID: ### ### ###<br>Passcode: 42 ",
      "https://zoom.us/j/#########?pwd=abc ",
      "1",
      "123 456 789 ",
      "https://www.google.com/url?q=https%253A%252F%252Fzoom.us%252Fj%252F1%26",
      "%25",
      "&amp;amp;amp;",
      "zoom.us/j/123456789?pwd=",
      "pwd="};
  double worst = 0;
  for (const std::string& unit : only.empty() ? kShapes : only) {
    double per_mb[2];
    std::size_t refs_1mb = 0;
    for (int i = 0; i < 2; ++i) {
      const std::string text = RepeatUnit(unit, (i == 0 ? 1u : 8u) << 20);
      per_mb[i] = SecondsPerMb(matcher, inv, text, reps);
      if (i == 0) refs_1mb = matcher.Find(text, &inv).size();
    }
    worst = std::max(worst, std::max(per_mb[0], per_mb[1]) / ordinary);
    // Per reference: what a reference-dense text costs for each one found
    // (the 1 MB time over the references Find() returned there).
    const double per_ref_us =
        refs_1mb == 0 ? 0 : per_mb[0] * (static_cast<double>(1u << 20) / 1e6) * 1e6 / refs_1mb;
    std::printf(
        "  %-44.44s 1 MB %.4f s/MB  8 MB %.4f s/MB  8/1 %.2f  vs pages %.2f  refs/MB %7zu  "
        "%.2f us/ref\n",
        unit.c_str(), per_mb[0], per_mb[1], per_mb[1] / per_mb[0],
        std::max(per_mb[0], per_mb[1]) / ordinary, refs_1mb, per_ref_us);
  }
  return worst;
}

}  // namespace

int main(int argc, char** argv) {
  // --shapes: the adversarial timings alone (optionally of the given units).
  const bool shapes_only = argc > 1 && std::string(argv[1]) == "--shapes";
  if (shapes_only) --argc, ++argv;
  if (argc < 2) {
    std::cerr << "usage: bench_match [--shapes] PAGES_DIR [REPETITIONS] [UNIT...]\n";
    return 2;
  }
  fs::path pages = argv[1];
  int reps = argc > 2 ? std::max(1, std::atoi(argv[2])) : 7;
  std::vector<fs::path> files = ListFiles(pages);
  std::uintmax_t bytes = 0;
  for (const fs::path& f : files) bytes += fs::file_size(f);
  double mb = static_cast<double>(bytes) / 1e6;
  std::vector<meetleak::InventoryMeeting> rows;
  rows.reserve(kPlanted);
  for (int k = 0; k < kPlanted; ++k)
    rows.push_back({Id(k), "owner@acme.example", "", meetleak::MeetingKind::kScheduled});
  Inventory inv = Inventory::FromRows(std::move(rows), {});
  Matcher matcher;
  std::printf("corpus: %zu files, %.1f MB (%s); inventory of %d meeting IDs\n", files.size(), mb,
              pages.c_str(), kPlanted);
  if (shapes_only) {
    const std::vector<std::string> units(argv + std::min(argc, 3), argv + argc);
    std::printf("adversarial worst vs pages: %.2f\n",
                AdversarialTimings(matcher, inv, files, reps, units));
    return 0;
  }
  double ratio = SideBySide(matcher, inv, pages, files, mb, reps);
  if (ratio < 0) return 1;
  int hits = PlantedFound(matcher, inv, files);
  std::printf("adversarial worst vs pages: %.2f\n",
              AdversarialTimings(matcher, inv, files, reps, {}));
  std::printf("ratio %.2f\n", ratio);
  return hits == kPlanted ? 0 : 1;
}
