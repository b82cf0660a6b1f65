// URL and app-link references: RE2 finds the host (or app scheme), C++ reads
// the path and query. Runs on decoded windows (see internal.h).
#include <re2/re2.h>

#include <algorithm>

#include "matchers/internal.h"
#include "matchers/matcher.h"

namespace meetleak::matchers_internal {
namespace {

struct LinkPatterns {
  // The scheme is optional ("zoom.us/j/…"); the host follows it, then an
  // optional port. The match ends at the path's first '/': the path and
  // query, which run to the next delimiter, are read in C++ (UrlEnd,
  // ReadPath, ParseQuery), so a search never re-reads them.
  // The URL character classes exclude exactly the raw delimiters
  // (IsDelimiter), so no match crosses a window edge.
  RE2 url{
      R"((?i)(?:[a-z][a-z0-9+.\-]*://)?(?:[a-z0-9\-]+\.)*zoom(?:gov)?\.(?:us|com\.cn|com)(?::[0-9]{1,5})?/)"};
  RE2 app{R"((?i)(?:zoommtg|zoomus)://[^\t\n\v\f\r "'<>`]*)"};
  RE2 intent{R"((?i)intent://[^\t\n\v\f\r "'<>`#]*#intent;[^\t\n\v\f\r "'<>`]*)"};
};

const LinkPatterns& Patterns() {
  static const LinkPatterns* patterns = new LinkPatterns();
  return *patterns;
}

// The 9–11 digits at the start of `s`, not followed by a letter or digit.
std::string LeadingMeetingId(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && ascii::IsDigit(s[n])) ++n;
  if (n < 9 || n > 11) return {};
  if (n < s.size() && ascii::IsAlnum(s[n])) return {};
  return std::string(s.substr(0, n));
}

std::string_view LeadingRun(std::string_view s, std::string_view extra) {
  std::size_t n = 0;
  while (n < s.size() && (ascii::IsAlnum(s[n]) || extra.find(s[n]) != extra.npos)) ++n;
  return s.substr(0, n);
}

// Parameter names may hide a letter in an escape ("?%70wd=", "?p&#119;d=",
// "?pw%64="): the query is read fully decoded.
std::string FullyDecoded(std::string_view query) {
  return DecodeRange(query, 0, query.size(), DecodeMode::kAll).text;
}

struct Query {
  bool passcode = false;
  bool start_token = false;
  bool action_start = false;
  std::string confno;
};

Query ParseQuery(std::string_view q) {
  Query out;
  while (!q.empty()) {
    std::size_t amp = q.find_first_of("&;");
    std::string_view param = q.substr(0, amp);
    q = amp == q.npos ? std::string_view() : q.substr(amp + 1);
    std::size_t eq = param.find('=');
    if (eq == param.npos) continue;
    std::string key = ascii::Lower(param.substr(0, eq));
    std::string_view value = param.substr(eq + 1);
    if (value.empty()) continue;
    if (key == "pwd")
      out.passcode = true;
    else if (key == "zak" || key == "tk")
      out.start_token = true;
    else if (key == "action")
      out.action_start = ascii::Lower(value).starts_with("start");
    else if (key == "confno")
      out.confno = LeadingMeetingId(value);
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> segs;
  while (!path.empty() && segs.size() < 4) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    std::size_t slash = path.find('/');
    segs.push_back(path.substr(0, slash));
    path = slash == path.npos ? std::string_view() : path.substr(slash);
  }
  return segs;
}

bool SegIs(const std::vector<std::string_view>& segs, std::size_t i, std::string_view word) {
  return i < segs.size() && ascii::Lower(segs[i]) == word;
}

std::string_view Seg(const std::vector<std::string_view>& segs, std::size_t i) {
  return i < segs.size() ? segs[i] : std::string_view();
}

void SetToken(std::string_view token, MeetingRef* ref) {
  std::string id = LeadingMeetingId(token);
  if (!id.empty() && id.size() == token.size()) {
    ref->key = id;
  } else {
    ref->key_kind = KeyKind::kToken;
    ref->key = std::string(token.substr(0, 12));
  }
}

// Fills link_type and key from a Zoom URL path; false if the path names no
// meeting.
bool ReadPath(std::string_view path, MeetingRef* ref) {
  std::vector<std::string_view> segs = Split(path);
  std::string first = ascii::Lower(Seg(segs, 0));
  std::string id;
  if (first == "j" || first == "w" || first == "s") {
    id = LeadingMeetingId(Seg(segs, 1));
    ref->link_type = first == "j"   ? LinkType::kJoin
                     : first == "w" ? LinkType::kWebinar
                                    : LinkType::kStart;
  } else if ((first == "wc" && SegIs(segs, 1, "join")) ||
             (first == "launch" && SegIs(segs, 1, "jc"))) {
    id = LeadingMeetingId(Seg(segs, 2));
    ref->link_type = LinkType::kJoin;
  } else if (first == "wc") {
    id = LeadingMeetingId(Seg(segs, 1));
    std::string action = ascii::Lower(LeadingRun(Seg(segs, 2), ""));
    if (action != "join" && action != "start") return false;
    ref->link_type = action == "join" ? LinkType::kJoin : LinkType::kStart;
  } else if (first == "my") {
    std::string_view name = LeadingRun(Seg(segs, 1), "._-");
    while (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.empty()) return false;
    ref->link_type = LinkType::kPersonal;
    ref->key_kind = KeyKind::kVanity;
    ref->key = ascii::Lower(name);
    return true;
  } else if ((first == "meeting" || first == "webinar") && SegIs(segs, 1, "register")) {
    std::string_view token = LeadingRun(Seg(segs, 2), "_-");
    if (token.empty()) return false;
    ref->link_type = LinkType::kRegister;
    SetToken(token, ref);
    return true;
  } else if (first == "rec" && (SegIs(segs, 1, "share") || SegIs(segs, 1, "play"))) {
    std::string_view token = LeadingRun(Seg(segs, 2), "._-");
    if (token.empty()) return false;
    ref->link_type = LinkType::kRecording;
    SetToken(token, ref);
    return true;
  } else {
    return false;
  }
  if (id.empty()) return false;
  ref->key = id;
  return true;
}

void SplitPathQuery(std::string_view rest, std::string_view* path, std::string_view* query) {
  std::size_t hash = rest.find('#');
  std::string_view before_hash = rest.substr(0, hash);
  std::size_t q = before_hash.find('?');
  *path = before_hash.substr(0, q);
  *query = q == before_hash.npos ? std::string_view() : before_hash.substr(q + 1);
}

bool IsHostOrPathChar(char c) {
  return ascii::IsAlnum(c) || c == '-' || c == '_' || c == '.' || c == '@' || c == '%' || c == '~';
}

// A scheme-less host is a URL's host only at a URL start: after a delimiter
// or punctuation, or after a "//" that is not inside another URL's path.
// "notzoom.us", "user@zoom.us…" and "evil.example/acme.zoom.us/j/…" are not.
bool BadHostPrefix(const std::string& text, std::size_t host_start) {
  if (host_start == 0) return false;
  char c = text[host_start - 1];
  if (c == '/') {
    if (host_start < 2 || text[host_start - 2] != '/') return true;
    return host_start > 2 &&
           (IsHostOrPathChar(text[host_start - 3]) || text[host_start - 3] == '/');
  }
  return IsHostOrPathChar(c) && c != '%' && c != '~';
}

// The first place at or after a position where something starts in a
// text (or the text's end), remembered: the candidates of a window are read
// in order, so each byte is searched once, not once per candidate (a window
// without delimiters holds hundreds of them).
class NextOf {
 public:
  using Finder = std::size_t (*)(std::string_view text, std::size_t from);
  NextOf(std::string_view text, Finder find) : text_(text), find_(find) {}
  std::size_t At(std::size_t from) {
    // No match in [from_, found_): the answer holds for any from in it.
    if (from < from_ || from > found_) {
      from_ = from;
      found_ = std::min(find_(text_, from), text_.size());
      CountSearched(found_ - from);
    }
    return found_;
  }

 private:
  std::string_view text_;
  Finder find_;
  std::size_t from_ = 1, found_ = 0;  // nothing known yet
};

// Where the candidates of one window end.
struct UrlEnds {
  explicit UrlEnds(std::string_view text)
      : delimiter(text,
                  [](std::string_view t, std::size_t k) {
                    while (k < t.size() && !IsDelimiter(static_cast<unsigned char>(t[k]))) ++k;
                    return k;
                  }),
        markdown(text, [](std::string_view t, std::size_t k) { return t.find("](", k); }),
        scheme(text, [](std::string_view t, std::size_t k) { return t.find("://", k); }) {}
  NextOf delimiter, markdown, scheme;
};

// Where a matched URL really ends: at the next raw delimiter (what the old
// pattern's [^\t\n\v\f\r "'<>`]* stopped at), or before another URL that
// starts inside its path ("…/j/XXXXX](https://zoom.us/j/…)", "…/j/1,https://…"),
// so that every candidate of a window is tried.
std::size_t UrlEnd(std::string_view text, std::size_t path_begin, UrlEnds* ends) {
  const std::size_t end = ends->delimiter.At(path_begin);
  std::size_t cut = end;
  if (std::size_t md = ends->markdown.At(path_begin); md + 2 <= end) cut = md;
  const std::size_t scheme = ends->scheme.At(path_begin);
  if (scheme + 3 <= end && scheme < cut) {
    std::size_t k = scheme;
    while (k > path_begin && (ascii::IsAlnum(text[k - 1]) || text[k - 1] == '+' ||
                              text[k - 1] == '-' || text[k - 1] == '.'))
      --k;
    if (k > path_begin) cut = std::min(cut, k);
  }
  return cut;
}

void FindUrls(const Decoded& w, std::vector<MeetingRef>* out) {
  const RE2& pattern = Patterns().url;
  re2::StringPiece text(w.text);
  re2::StringPiece m;
  const char* base = w.text.data();
  UrlEnds ends(w.text);
  std::size_t pos = 0;
  while (pos < text.size()) {
    // The whole match only (no capture group: the DFA alone answers, which
    // matters where candidates stand every few bytes); the host is where
    // the scheme's "://" ends, and runs to the port's ':' or the '/'.
    if (!pattern.Match(text, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
      CountSearched(text.size() - pos);
      break;
    }
    const std::string_view match(m.data(), m.size());
    std::size_t start = static_cast<std::size_t>(m.data() - base);
    std::size_t slash = start + m.size() - 1;
    const std::size_t scheme = match.find("://");
    const std::size_t host_start = start + (scheme == std::string_view::npos ? 0 : scheme + 3);
    const std::size_t colon = match.find(':', host_start - start);
    const std::size_t host_end = colon == std::string_view::npos ? slash : start + colon;
    CountSearched(slash + 1 - pos);
    if (start == host_start && BadHostPrefix(w.text, host_start)) {
      pos = host_end;  // "notzoom.us": look past this host
      continue;
    }
    std::size_t end = UrlEnd(w.text, slash, &ends);
    pos = end;
    MeetingRef ref;
    ref.form = RefForm::kUrl;
    ref.host = ascii::Lower(std::string_view(w.text).substr(host_start, host_end - host_start));
    std::string_view path, query;
    SplitPathQuery(std::string_view(w.text).substr(slash, end - slash), &path, &query);
    if (!ReadPath(path, &ref)) continue;
    Query q = ParseQuery(FullyDecoded(query));
    ref.has_passcode = q.passcode;
    ref.has_start_token = q.start_token || ref.link_type == LinkType::kStart;
    if (q.start_token) ref.link_type = LinkType::kStart;
    ref.offset = w.Raw(start);
    ref.length = w.Raw(end) - ref.offset;
    out->push_back(std::move(ref));
  }
}

// zoommtg://HOST/join?confno=…, zoomus://…, intent://HOST/join?confno=…#Intent;scheme=zoomus;…
void ReadAppLink(const Decoded& w, std::size_t start, std::size_t end,
                 std::string_view after_scheme, std::vector<MeetingRef>* out) {
  std::size_t hash = after_scheme.find('#');
  std::string_view body = after_scheme.substr(0, hash);
  std::size_t host_end = body.find_first_of("/?");
  std::string_view host = body.substr(0, host_end);
  std::size_t q = body.find('?');
  std::string_view path = body.substr(host_end == body.npos ? body.size() : host_end,
                                      q == body.npos ? body.npos : q - std::min(q, host_end));
  Query query = ParseQuery(FullyDecoded(q == body.npos ? std::string_view() : body.substr(q + 1)));
  if (query.confno.empty()) return;
  MeetingRef ref;
  ref.form = RefForm::kAppLink;
  ref.host = IsZoomHost(host) ? ascii::Lower(host) : std::string();
  ref.key = query.confno;
  bool start_path = ascii::Lower(path).find("start") != std::string::npos;
  bool starts = query.action_start || query.start_token || start_path;
  ref.link_type = starts ? LinkType::kStart : LinkType::kJoin;
  ref.has_passcode = query.passcode;
  ref.has_start_token = starts;
  ref.offset = w.Raw(start);
  ref.length = w.Raw(end) - ref.offset;
  out->push_back(std::move(ref));
}

void FindAppLinks(const Decoded& w, const RE2& pattern, bool intent, std::vector<MeetingRef>* out) {
  const char* base = w.text.data();
  re2::StringPiece input(w.text);
  while (!input.empty()) {
    re2::StringPiece m;
    if (!pattern.Match(input, 0, input.size(), RE2::UNANCHORED, &m, 1)) {
      CountSearched(input.size());
      break;
    }
    std::size_t start = static_cast<std::size_t>(m.data() - base);
    std::size_t end = start + m.size();
    CountSearched(end - static_cast<std::size_t>(input.data() - base));
    std::string_view text(m.data(), m.size());
    std::size_t sep = text.find("://");
    std::string_view after = text.substr(sep + 3);
    if (intent) {
      std::string lower = ascii::Lower(text);
      std::size_t frag = lower.find("#intent;");
      bool zoom_scheme = lower.find(";scheme=zoomus", frag) != std::string::npos ||
                         lower.find(";scheme=zoommtg", frag) != std::string::npos;
      if (zoom_scheme) ReadAppLink(w, start, end, after, out);
    } else {
      ReadAppLink(w, start, end, after, out);
    }
    input = re2::StringPiece(base + end, w.text.size() - end);
    if (m.empty()) break;
  }
}

}  // namespace

void FindLinkRefs(const Decoded& window, std::vector<MeetingRef>* out) {
  std::vector<MeetingRef> found;
  FindUrls(window, &found);
  FindAppLinks(window, Patterns().app, /*intent=*/false, &found);
  FindAppLinks(window, Patterns().intent, /*intent=*/true, &found);
  std::stable_sort(found.begin(), found.end(), [](const MeetingRef& a, const MeetingRef& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.length > b.length;
  });
  std::size_t covered_end = 0;
  bool any = false;
  for (MeetingRef& ref : found) {
    if (any && ref.offset + ref.length <= covered_end) continue;  // inside a longer link
    covered_end = std::max(covered_end, ref.offset + ref.length);
    any = true;
    out->push_back(std::move(ref));
  }
}

}  // namespace meetleak::matchers_internal
