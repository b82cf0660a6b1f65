// The one include of Boost.Asio for meetleak (for every module that uses
// Asio: crawler/, cli/, the test server).
//
// Boost 1.74's Asio under GCC 12 in C++20 uses std::exchange in awaitable.hpp
// without including <utility>; including it first here keeps every other file
// free of that workaround. Include this
// header instead of <boost/asio.hpp> everywhere.
#ifndef MEETLEAK_BASE_ASIO_H_
#define MEETLEAK_BASE_ASIO_H_

// clang-format off
#include <utility>  // must precede boost/asio.hpp (see above)

#include <boost/asio.hpp>
// clang-format on

#endif  // MEETLEAK_BASE_ASIO_H_
