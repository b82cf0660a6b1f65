// Internal to db/: what leases.cc, host_leases.cc and schema_pg.cc share.
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

// A URL's host as the fetcher names it: lower-case, without user or port
// (`url`: the source's column). The common authority (no user, no IPv6
// literal) is cut with split_part; the regular expression, three times the
// cost, reads only the others. Both give the same host for every URL
// (tests/db/leases_test.cc). PostgreSQL's index source_host (schema
// version 9, schema_pg.cc) is on this very expression: a take finds a
// host's sources through it.
#define MEETLEAK_URL_AUTHORITY "split_part(url, '/', 3)"
#define MEETLEAK_URL_HOST                                                                         \
  "lower(CASE WHEN strpos(" MEETLEAK_URL_AUTHORITY ", '@') > 0 OR strpos(" MEETLEAK_URL_AUTHORITY \
  ", '[') > 0 THEN substring(url FROM "                                                           \
  "'^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(\\[[^]]*\\]|[^/:?#]*)') "                           \
  "ELSE split_part(split_part(split_part(" MEETLEAK_URL_AUTHORITY                                 \
  ", ':', 1), '?', 1), '#', 1) END)"

namespace meetleak::db {

// A LIMIT that limits nothing, in both dialects.
inline constexpr std::int64_t kNoLimit = std::int64_t{1} << 62;

}  // namespace meetleak::db

#endif  // MEETLEAK_DB_LEASES_INTERNAL_H_
