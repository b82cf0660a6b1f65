#include "crawler/zoom_rule.h"

#include "matchers/matcher.h"

namespace meetleak::crawler_internal {

bool IsZoomUrlHost(std::string_view host) { return IsZoomHost(host); }

std::string SafeUrl(std::string_view url) { return RedactSecrets(url); }

std::string SafeText(std::string_view text) { return RedactSecrets(text); }

}  // namespace meetleak::crawler_internal
