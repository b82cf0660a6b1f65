// libFuzzer target: ParseDocument under each content type a feed may carry
// (the first byte picks it), which reaches the pugixml, lenient, JSON Feed
// and sitemap paths and charset detection.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "feeds/document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr std::string_view kContentTypes[] = {
      "",
      "application/rss+xml",
      "application/atom+xml",
      "application/rdf+xml",
      "application/feed+json",
      "application/xml; charset=utf-16",
      "text/xml; charset=iso-8859-1",
      "text/plain",
  };
  if (size == 0) return 0;
  std::string_view content_type = kContentTypes[data[0] % std::size(kContentTypes)];
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  meetleak::Document doc = meetleak::ParseDocument(body, content_type, "https://fuzz.example/feed");
  if (doc.segments.empty() || doc.segments[0].origin != meetleak::Segment::Origin::kBody) {
    __builtin_trap();
  }
  for (const meetleak::FeedEntry& entry : doc.entries) {
    if (!entry.link.empty() && entry.link.rfind("http", 0) != 0) __builtin_trap();
  }
  return 0;
}
