// bench_parse: feeds/ throughput over the shared corpus, and the cost of
// each hostile input shape at two sizes (time per MB should not grow with
// size: the parser is linear). scripts/bench-parse runs it beside html5lib
// and feedparser on the same files.
//
//   bench_parse CORPUS_DIR [REPEATS]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "feeds/document.h"

namespace {

using Clock = std::chrono::steady_clock;

struct File {
  std::string url;
  std::string body;
};

std::vector<File> ReadTree(const std::filesystem::path& root, std::vector<std::string> exts) {
  std::vector<File> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::string ext = e.path().extension().string();
    bool wanted = false;
    for (const std::string& x : exts) wanted |= ext == x;
    if (!wanted) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    files.push_back(
        {"http://corpus.test/" + std::filesystem::relative(e.path(), root).string(), ss.str()});
  }
  return files;
}

// Best of `repeats` wall times, in seconds.
double BestSeconds(int repeats, const std::function<void()>& run) {
  double best = 1e30;
  for (int i = 0; i < repeats; ++i) {
    auto start = Clock::now();
    run();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

void CorpusThroughput(const char* name, const std::vector<File>& files, int repeats) {
  size_t bytes = 0, anchors = 0, entries = 0;
  for (const File& f : files) bytes += f.body.size();
  double seconds = BestSeconds(repeats, [&] {
    anchors = entries = 0;
    for (const File& f : files) {
      meetleak::Document doc = meetleak::ParseDocument(f.body, "", f.url);
      entries += doc.entries.size();
      for (const meetleak::Link& l : doc.links) anchors += l.rel == meetleak::Link::Rel::kAnchor;
    }
  });
  std::printf(
      "meetleak %-6s %5zu files %7.2f MB %8.1f ms %7.1f MB/s  (entries %zu, anchor links %zu)\n",
      name, files.size(), bytes / 1e6, seconds * 1e3, bytes / 1e6 / seconds, entries, anchors);
}

std::string Repeat(const std::string& unit, size_t bytes) {
  std::string out;
  out.reserve(bytes + unit.size());
  while (out.size() < bytes) out += unit;
  return out;
}

struct Shape {
  const char* name;
  const char* content_type;
  std::function<std::string(size_t)> make;  // a body of about n bytes
};

void HostileLinearity(size_t small, int repeats) {
  const std::vector<Shape> shapes = {
      {"single line", "text/html", [](size_t n) { return "<p>" + std::string(n, 'x') + "</p>"; }},
      {"NUL bytes", "text/html", [](size_t n) { return Repeat(std::string("<a\0b>\0", 6), n); }},
      {"invalid UTF-8", "text/html; charset=utf-8",
       [](size_t n) { return Repeat("\xFF\xC3(\xED\xA0\x80", n); }},
      {"HTML nesting", "text/html",
       [](size_t n) { return Repeat("<div>", n / 2) + Repeat("</div>", n / 2); }},
      {"XML nesting", "application/rss+xml",
       [](size_t n) {
         return "<rss><channel><item>" + Repeat("<x>", n / 2) + Repeat("</x>", n / 2);
       }},
      {"attributes", "text/html", [](size_t n) { return "<p" + Repeat(" a=1", n) + ">"; }},
      {"entities", "text/html", [](size_t n) { return "<p>" + Repeat("&amp;&#x26;&notit;", n); }},
      {"XML entities", "application/rss+xml",
       [](size_t n) {
         return "<rss><channel><item><title>" + Repeat("&amp;&#38;", n) +
                "</title></item></channel></rss>";
       }},
      {"comments", "text/html", [](size_t n) { return Repeat("<!---->", n); }},
      {"feed entries", "application/rss+xml",
       [](size_t n) {
         return "<rss><channel>" + Repeat("<item><link>http://e/</link></item>", n) +
                "</channel></rss>";
       }},
      {"JSON nesting", "application/feed+json",
       [](size_t n) {
         return "{\"version\":\"https://jsonfeed.org/version/1\",\"items\":" + Repeat("[", n / 2) +
                Repeat("]", n / 2) + "}";
       }},
  };
  std::printf("\nhostile shapes: time per MB at %zu MB and %zu MB (linear when the two agree)\n",
              small >> 20, (4 * small) >> 20);
  for (const Shape& shape : shapes) {
    double per_mb[2];
    for (int k = 0; k < 2; ++k) {
      std::string body = shape.make(k == 0 ? small : 4 * small);
      double seconds = BestSeconds(repeats, [&] {
        meetleak::Document doc =
            meetleak::ParseDocument(body, shape.content_type, "https://h.example/");
        if (doc.segments.empty()) std::abort();
      });
      per_mb[k] = seconds * 1e3 / (body.size() / 1048576.0);
    }
    std::printf("  %-14s %8.2f ms/MB  %8.2f ms/MB  ratio %.2f\n", shape.name, per_mb[0], per_mb[1],
                per_mb[1] / per_mb[0]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_parse CORPUS_DIR [REPEATS]\n");
    return 2;
  }
  std::filesystem::path corpus = argv[1];
  int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  CorpusThroughput("pages", ReadTree(corpus / "pages", {".html", ".htm"}), repeats);
  CorpusThroughput("feeds", ReadTree(corpus / "feeds", {".xml", ".rss", ".atom", ".json", ".rdf"}),
                   repeats);
  HostileLinearity(8u << 20, repeats);
  return 0;
}
