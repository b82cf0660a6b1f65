#include "crawler/zoom_rule.h"

#include <array>
#include <cctype>

namespace meetleak {

// TODO(crawler): bind to matchers' IsZoomHost/RedactSecrets once
// matchers/matcher.cc has landed; until then the same rule, locally.
bool IsZoomUrlHost(std::string_view host) {
  std::string h(host);
  for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!h.empty() && h.back() == '.') h.pop_back();
  static constexpr std::array<std::string_view, 4> kZoomDomains = {"zoom.us", "zoom.com",
                                                                    "zoomgov.com", "zoom.com.cn"};
  for (std::string_view d : kZoomDomains) {
    if (h == d) return true;
    if (h.size() > d.size() && h.compare(h.size() - d.size(), d.size(), d) == 0 &&
        h[h.size() - d.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

std::string SafeUrl(std::string_view url) {
  // Query and fragment dropped: pwd/zak/tk and wrapped URLs live there.
  std::size_t cut = url.find_first_of("?#");
  std::string out(url.substr(0, cut));
  if (cut != std::string_view::npos) out += "?…";
  return out;
}

}  // namespace meetleak
