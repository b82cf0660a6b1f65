// Where ../shared (the design, corpus and schemas) lives, and a skip helper:
//   MEETLEAK_REQUIRE_SHARED();  // GTEST_SKIP with a clear message when absent
#ifndef MEETLEAK_TESTS_SUPPORT_SHARED_CORPUS_H_
#define MEETLEAK_TESTS_SUPPORT_SHARED_CORPUS_H_

#include <filesystem>
#include <string>

namespace meetleak::testing {

inline std::filesystem::path SharedDir() { return MEETLEAK_SHARED_DIR; }
inline std::filesystem::path SourceDir() { return MEETLEAK_SOURCE_DIR; }
inline std::string MeetleakBinary() { return MEETLEAK_BINARY; }
inline bool HaveShared() { return std::filesystem::exists(SharedDir() / "corpus"); }

}  // namespace meetleak::testing

#define MEETLEAK_REQUIRE_SHARED()                                                   \
  do {                                                                              \
    if (!::meetleak::testing::HaveShared())                                         \
      GTEST_SKIP() << "../shared/corpus is absent beside the checkout ("            \
                   << ::meetleak::testing::SharedDir() << "): corpus test skipped"; \
  } while (0)

#endif  // MEETLEAK_TESTS_SUPPORT_SHARED_CORPUS_H_
