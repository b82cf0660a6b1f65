// libFuzzer target: robots.txt parsing and matching on arbitrary bytes.
// The first line of the input is the path asked about; the rest the body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crawler/robots.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t newline = input.find('\n');
  std::string_view path = input.substr(0, newline);
  std::string_view body = newline == std::string_view::npos ? "" : input.substr(newline + 1);
  meetleak::crawler_internal::RobotsRules rules =
      meetleak::crawler_internal::RobotsRules::Parse(body, "meetleak");
  rules.IsAllowed(path);
  rules.IsAllowed("/");
  (void)rules.crawl_delay();
  return 0;
}
