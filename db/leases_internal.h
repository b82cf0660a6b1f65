// Internal to db/: what leases.cc and host_leases.cc share.
#ifndef MEETLEAK_DB_LEASES_INTERNAL_H_
#define MEETLEAK_DB_LEASES_INTERNAL_H_

#include <cstdint>

// The database's clock inside a PostgreSQL statement: unix seconds, and
// milliseconds.
#define MEETLEAK_PG_NOW "CAST(extract(epoch FROM now()) AS BIGINT)"
#define MEETLEAK_PG_NOW_MS "CAST(extract(epoch FROM now()) * 1000 AS BIGINT)"

namespace meetleak::db {

// A LIMIT that limits nothing, in both dialects.
inline constexpr std::int64_t kNoLimit = std::int64_t{1} << 62;

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_LEASES_INTERNAL_H_
