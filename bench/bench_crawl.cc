// bench_crawl: fetches a list of URLs with meetleak's Fetcher and prints one
// line of figures. scripts/bench-crawl runs it beside `curl --parallel`.
//
//   bench_crawl --mode fetch --urls URLS.txt --concurrency N
//
// --mode fetch: the Fetcher alone (per-host limits lifted, robots off,
// trusted requests), bodies counted then dropped so memory stays flat.
// Output: "meetleak pages=P bytes=B errors=E seconds=S pages_per_s=R peak_rss_kb=K".
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "crawler/fetcher.h"
#include "matchers/matcher.h"

namespace {

struct Args {
  std::string mode = "fetch";
  std::string urls;
  int concurrency = 32;
};

bool ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i], value = argv[i + 1];
    if (key == "--mode")
      args->mode = value;
    else if (key == "--urls")
      args->urls = value;
    else if (key == "--concurrency")
      args->concurrency = std::atoi(value.c_str());
    else
      return false;
  }
  return (argc % 2) == 1 && !args->urls.empty() && args->concurrency > 0;
}

int RunFetch(const Args& args, const std::vector<std::string>& urls) {
  meetleak::FetcherOptions options;
  options.concurrency = args.concurrency;
  options.per_host = args.concurrency;
  options.delay_ms = 0;
  options.respect_robots = false;
  boost::asio::io_context io;
  meetleak::Matcher matcher;
  auto fetcher = meetleak::NewCurlFetcher(
      io, options, [&matcher](std::string_view url) { return matcher.IsMeetingUrl(url); });
  long long bytes = 0;
  int errors = 0, done = 0;
  auto start = std::chrono::steady_clock::now();
  for (const std::string& url : urls) {
    meetleak::FetchRequest request;
    request.url = url;
    request.trusted = true;
    fetcher->Fetch(std::move(request), [&](meetleak::FetchResponse r) {
      ++done;
      if (!r.ok()) {
        if (++errors <= 5) std::cerr << "bench_crawl: " << r.error_message << "\n";
        return;
      }
      bytes += static_cast<long long>(r.body.size());
    });
  }
  io.run();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "meetleak pages=%d bytes=%lld errors=%d seconds=%.3f pages_per_s=%.1f peak_rss_kb=%ld\n",
      done - errors, bytes, errors, seconds, (done - errors) / seconds, usage.ru_maxrss);
  return errors == 0 && done == static_cast<int>(urls.size()) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, &args)) {
    std::cerr << "usage: bench_crawl --mode fetch --urls FILE [--concurrency N]\n";
    return 2;
  }
  std::ifstream in(args.urls);
  std::vector<std::string> urls;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) urls.push_back(line);
  }
  if (urls.empty()) {
    std::cerr << "bench_crawl: no URLs in " << args.urls << "\n";
    return 2;
  }
  if (args.mode == "fetch") return RunFetch(args, urls);
  std::cerr << "bench_crawl: mode '" << args.mode << "' is not built yet (only 'fetch')\n";
  return 2;
}
