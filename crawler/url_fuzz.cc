// libFuzzer target: URL parsing, redirect resolution and the address guard's
// address classification on arbitrary bytes (they all see hostile input:
// Location headers and discovered links).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/url.h"
#include "crawler/address_guard.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t split = input.find('\n');
  std::string_view base = input.substr(0, split);
  std::string_view location = split == std::string_view::npos ? "" : input.substr(split + 1);
  meetleak::crawler_internal::IsForbiddenAddress(base);
  meetleak::crawler_internal::IsIpLiteral(base);
  meetleak::Result<meetleak::Url> parsed = meetleak::Url::Parse(base);
  if (parsed.ok()) {
    meetleak::crawler_internal::IsIpLiteral(parsed->host());
    meetleak::Result<std::string> next = parsed->Resolve(location);
    if (next.ok()) meetleak::Url::Parse(*next);
  }
  return 0;
}
