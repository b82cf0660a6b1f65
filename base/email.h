// The one rule for "is this an e-mail address" (an inventory owner, the
// config's security_contact, a digest's From).
#ifndef MEETLEAK_BASE_EMAIL_H_
#define MEETLEAK_BASE_EMAIL_H_

#include <string_view>

namespace meetleak {

// True for `local@domain` where: there is exactly one '@'; the local part is
// not empty and holds no space, control byte or one of <>(),;:"[]\ ; the
// domain has at least two dot-separated labels of ASCII letters, digits and
// inner hyphens; and the last label is at least two letters or a punycode
// label ("xn--…"). Deliberately narrower than RFC 5322 (no quoted local
// parts, no address literals): what a company directory holds.
bool IsEmailAddress(std::string_view s);

}  // namespace meetleak

#endif  // MEETLEAK_BASE_EMAIL_H_
