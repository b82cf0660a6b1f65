// libFuzzer target: the HTML tokenizer and the page path of ParseDocument.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "feeds/document.h"
#include "feeds/html_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  meetleak::feeds_internal::HtmlTokenizer tokenizer(input);
  meetleak::feeds_internal::HtmlToken token;
  size_t tokens = 0;
  while (tokenizer.Next(&token)) {
    if (++tokens > size + 1) __builtin_trap();  // every token consumes input
  }
  meetleak::Document doc = meetleak::ParseDocument(input, "text/html", "https://fuzz.example/a/b");
  if (doc.segments.empty() || doc.segments[0].origin != meetleak::Segment::Origin::kBody) {
    __builtin_trap();
  }
  for (const meetleak::Link& link : doc.links) {
    if (link.url.rfind("http", 0) != 0) __builtin_trap();  // only absolute http(s) links
  }
  return 0;
}
