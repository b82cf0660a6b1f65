// gtest helpers for Status and Result<T>: ASSERT_OK(expr), EXPECT_OK(expr).
#ifndef MEETLEAK_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define MEETLEAK_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include <gtest/gtest.h>

#include "base/status.h"

namespace meetleak::testing {

inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
const Status& GetStatus(const Result<T>& r) {
  static const Status kOk;
  return r.ok() ? kOk : r.status();
}

}  // namespace meetleak::testing

#define ASSERT_OK(expr)                                   \
  do {                                                    \
    const auto& _r = (expr);                              \
    ASSERT_TRUE(::meetleak::testing::GetStatus(_r).ok())  \
        << ::meetleak::testing::GetStatus(_r).ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                   \
  do {                                                    \
    const auto& _r = (expr);                              \
    EXPECT_TRUE(::meetleak::testing::GetStatus(_r).ok())  \
        << ::meetleak::testing::GetStatus(_r).ToString(); \
  } while (0)

#endif  // MEETLEAK_TESTS_SUPPORT_STATUS_MATCHERS_H_
