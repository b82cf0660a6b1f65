#include "base/email.h"

#include <algorithm>

#include "base/ascii.h"

namespace meetleak {
namespace {

bool IsDomainLabel(std::string_view label) {
  if (label.empty() || label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(),
                     [](char c) { return ascii::IsAlnum(c) || c == '-'; });
}

bool IsTopLevelLabel(std::string_view label) {
  if (ascii::StartsWithIgnoreCase(label, "xn--")) return label.size() > 4;
  return label.size() >= 2 && std::all_of(label.begin(), label.end(), ascii::IsAlpha);
}

}  // namespace

bool IsEmailAddress(std::string_view s) {
  std::size_t at = s.find('@');
  if (at == 0 || at == s.npos || s.find('@', at + 1) != s.npos) return false;
  constexpr std::string_view kSpecials = "<>(),;:\"[]\\";
  for (char c : s.substr(0, at))
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7F || kSpecials.find(c) != kSpecials.npos)
      return false;
  std::string_view domain = s.substr(at + 1);
  std::size_t labels = 0;
  std::string_view last;
  while (true) {
    std::size_t dot = domain.find('.');
    std::string_view label = domain.substr(0, dot);
    if (!IsDomainLabel(label)) return false;
    ++labels;
    last = label;
    if (dot == domain.npos) break;
    domain.remove_prefix(dot + 1);
  }
  return labels >= 2 && IsTopLevelLabel(last);
}

}  // namespace meetleak
