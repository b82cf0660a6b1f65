#include "cli/read_input.h"

#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

namespace meetleak::cli {
namespace {

constexpr std::size_t kFirstBlockBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxBlockBytes = std::size_t{64} << 20;
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr int kPollMs = 100;

Status ReadError(const std::string& what) {
  return Status::Unavailable(what + ": cannot read: " + std::strerror(errno));
}

Status TooLarge(const std::string& what) {
  return Status::Unavailable(what + ": over 4 GiB, more than one document the matcher takes");
}

constexpr std::size_t kScratchBytes = std::size_t{256} << 10;

// Asks for transparent huge pages under a large buffer before it is first
// touched: faulting in 4 KiB pages, not copying, was most of the time spent
// reading a large file (and more so in a VM, where every fault traps to the
// hypervisor). A buffer that will be filled (`populate`: a regular file of
// known size) also has its huge pages mapped in one call rather than one
// fault each as read() reaches them: the read of a 26 MB file went from 19
// to 15 ms (median of 15). A pipe's block is only advised: it may stay
// mostly empty. Advice only: a kernel without huge pages or
// MADV_POPULATE_WRITE (before 5.14) ignores it.
void AdviseHugePages(std::string* buffer, bool populate) {
  if (buffer->capacity() < 2 * kHugePage) return;
  const auto begin = reinterpret_cast<std::uintptr_t>(buffer->data());
  const std::uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t last = (begin + buffer->capacity()) & ~(kHugePage - 1);
  if (last <= first) return;
  void* aligned = reinterpret_cast<void*>(first);  // NOLINT(performance-no-int-to-ptr)
  (void)madvise(aligned, last - first, MADV_HUGEPAGE);
  if (populate) (void)madvise(aligned, last - first, MADV_POPULATE_WRITE);
}

// An empty string with room for `size` bytes, on huge pages when large.
std::string Buffer(std::size_t size, bool populate) {
  std::string out;
  out.reserve(size);
  AdviseHugePages(&out, populate);
  return out;
}

// Appends what fd holds to *out until it has `size` bytes or fd ends; false
// on a read error. Reads land in `scratch`, small enough to stay in cache,
// and each byte is then copied once into *out: sizing *out first (resize)
// would zero-fill it, a whole extra pass over the document. Waits for a
// pipe by poll(), so `stop` is seen within kPollMs.
bool ReadInto(int fd, std::string* out, std::size_t size, std::vector<char>& scratch,
              const CancelToken* stop) {
  while (out->size() < size) {
    if (stop != nullptr) {
      if (stop->cancelled()) break;
      pollfd p{fd, POLLIN, 0};
      int ready = poll(&p, 1, kPollMs);
      if (ready < 0 && errno != EINTR) return false;
      if (ready <= 0) continue;
    }
    ssize_t n = read(fd, scratch.data(), std::min(scratch.size(), size - out->size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    out->append(scratch.data(), static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

Result<std::string> ReadDocument(int fd, const std::string& what, const CancelToken* stop) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return ReadError(what);
  std::vector<char> scratch(kScratchBytes);
  if (S_ISREG(st.st_mode)) {
    off_t at = lseek(fd, 0, SEEK_CUR);
    std::size_t size = static_cast<std::size_t>(st.st_size - (at > 0 ? at : 0));
    if (size > kMaxDocumentBytes) return TooLarge(what);
    std::string out = Buffer(size, /*populate=*/true);
    if (!ReadInto(fd, &out, size, scratch, nullptr))
      return ReadError(what);  // a file's read never waits
    return out;  // what the file held when it was opened (a log still growing: that much)
  }
  // A pipe or terminal: blocks, joined once.
  std::vector<std::string> blocks;
  std::size_t total = 0;
  for (;;) {
    // Blocks grow with what was read: few of them, each large.
    const std::size_t want = std::min(kMaxBlockBytes, std::max(kFirstBlockBytes, total));
    std::string block = Buffer(want, /*populate=*/false);
    if (!ReadInto(fd, &block, want, scratch, stop)) return ReadError(what);
    total += block.size();
    if (total > kMaxDocumentBytes) return TooLarge(what);
    const bool last = block.size() < want;
    if (!block.empty()) blocks.push_back(std::move(block));
    if (last) break;
  }
  if (blocks.empty()) return std::string();
  if (blocks.size() == 1) return std::move(blocks.front());
  std::string out;
  out.reserve(total);
  AdviseHugePages(&out, /*populate=*/true);
  for (const std::string& b : blocks) out.append(b);
  return out;
}

}  // namespace meetleak::cli
