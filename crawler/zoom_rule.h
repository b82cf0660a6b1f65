// The Zoom-host rule and URL redaction as crawler/ uses them, internal to
// crawler/: the one place crawler/ calls matchers/' rules on URLs
// (IsZoomHost, RedactSecrets). The Crawler's matching itself goes through
// the Matcher and Inventory it is given (crawler.h).
#ifndef MEETLEAK_CRAWLER_ZOOM_RULE_H_
#define MEETLEAK_CRAWLER_ZOOM_RULE_H_

#include <string>
#include <string_view>

namespace meetleak::crawler_internal {

// True for a Zoom host (zoom.us, zoom.com, zoomgov.com, zoom.com.cn and
// their subdomains): never fetched.
bool IsZoomUrlHost(std::string_view host);

// `url` safe to put in a message, a log line or a document's record: its
// secrets redacted. The redacted form is also a document's identity: two URLs
// that differ only in a secret are one document.
std::string SafeUrl(std::string_view url);
// Free text that may hold URLs (an error, a parse warning): the same.
std::string SafeText(std::string_view text);

}  // namespace meetleak::crawler_internal

#endif  // MEETLEAK_CRAWLER_ZOOM_RULE_H_
