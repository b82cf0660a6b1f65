// Internal to db/: what leases.cc and host_leases.cc share.
#ifndef MEETLEAK_DB_LEASES_INTERNAL_H_
#define MEETLEAK_DB_LEASES_INTERNAL_H_

#include <cstdint>

// The database's clock inside a PostgreSQL statement: unix seconds, and
// milliseconds. A lease's expiry is written from the next whole second
// (MEETLEAK_PG_LEASE_FROM) and compared with the last one (MEETLEAK_PG_NOW),
// so a lease of L seconds lasts at least L and less than L + 1; a CAST
// alone rounds, which left a 1-second lease as little as no time at all.
#define MEETLEAK_PG_NOW "CAST(floor(extract(epoch FROM now())) AS BIGINT)"
#define MEETLEAK_PG_LEASE_FROM "CAST(ceil(extract(epoch FROM now())) AS BIGINT)"
#define MEETLEAK_PG_NOW_MS "CAST(floor(extract(epoch FROM now()) * 1000) AS BIGINT)"

namespace meetleak::db {

// A LIMIT that limits nothing, in both dialects.
inline constexpr std::int64_t kNoLimit = std::int64_t{1} << 62;

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_LEASES_INTERNAL_H_
