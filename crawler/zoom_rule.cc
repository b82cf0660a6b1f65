#include "crawler/zoom_rule.h"

#include "matchers/matcher.h"

namespace meetleak {

bool IsZoomUrlHost(std::string_view host) { return IsZoomHost(host); }

std::string SafeUrl(std::string_view url) { return RedactSecrets(url); }

}  // namespace meetleak
