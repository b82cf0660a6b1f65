// libFuzzer target: WarcReader over arbitrary bytes, plain or (when the
// input starts with the gzip magic) gzip, with a small payload cap so the
// cap paths are reached. Every record's payload must respect the cap.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "archive/warc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  meetleak::StringSource source(std::string_view(reinterpret_cast<const char*>(data), size));
  meetleak::ReaderOptions options;
  options.max_payload = 4096;
  options.max_header_bytes = 1024;
  meetleak::WarcReader reader(&source, "fuzz.warc", options);
  meetleak::WarcRecord record;
  while (reader.Next(&record)) {
    if (record.payload.size() > options.max_payload) __builtin_trap();
    if (record.offset > size) __builtin_trap();
  }
  reader.TakeWarnings();
  return 0;
}
