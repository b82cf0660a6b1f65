// Internal to report/: pieces of the notifications shared by the digest
// builder, the dry run and the senders.
#ifndef MEETLEAK_REPORT_NOTIFY_INTERNAL_H_
#define MEETLEAK_REPORT_NOTIFY_INTERNAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "report/notify.h"

namespace meetleak::report_internal {

// "Thu, 26 Nov 2026 10:00:00 +0000" (RFC 5322, UTC, English names whatever
// the locale).
std::string Rfc5322Date(Clock::TimePoint t);

// "<1795689600000.3f2a9c….meetleak@acme.example>": unique per call.
std::string NewMessageId(std::string_view from, Clock::TimePoint t);

// "scheme://host[:port]" of `url` (no user, password, path or query: webhook
// paths and SMTP URLs may hold secrets); "(bad URL)" when it does not parse.
std::string UrlOrigin(const std::string& url);

// `value` with CR and LF removed, so it cannot add a header line.
std::string HeaderValue(std::string_view value);

// The e-mail header lines (From, To, Subject, Date, Message-ID), without the
// MIME headers libcurl writes.
std::vector<std::string> MailHeaders(const Digest& digest, const NotifyOptions& options,
                                     const Clock& clock);

}  // namespace meetleak::report_internal

#endif  // MEETLEAK_REPORT_NOTIFY_INTERNAL_H_
