// bench_archive: archive/ reading throughput on WARC files, with and without
// detection (Matcher::Find on every response/resource/conversion payload):
// the floor `sweep` stands on. scripts/bench-sweep compares it with gzip -dc.
//
//   bench_archive [--match] FILE...
// Prints one line per file: records, payload MB, seconds, references found.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>

#include "archive/warc.h"
#include "matchers/matcher.h"

int main(int argc, char** argv) {
  bool match = false;
  meetleak::Matcher matcher;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--match") {
      match = true;
      continue;
    }
    auto start = std::chrono::steady_clock::now();
    std::ifstream in(argv[i], std::ios::binary);
    meetleak::IstreamSource source(&in);
    meetleak::WarcReader reader(&source, argv[i]);
    meetleak::WarcRecord record;
    long records = 0, refs = 0;
    double payload = 0;
    while (reader.Next(&record)) {
      ++records;
      payload += static_cast<double>(record.payload.size());
      if (match &&
          (record.type == "response" || record.type == "resource" || record.type == "conversion")) {
        refs += static_cast<long>(matcher.Find(record.payload).size());
      }
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s: %ld records, %.1f MB payload, %.3f s, %ld references%s\n", argv[i], records,
                payload / 1e6, s, refs, reader.status().ok() ? "" : " (stopped early)");
  }
  return 0;
}
