// The owners' report in plain words (text, HTML and the e-mail digest share
// it): what leaked and what it allows, the text a reader of the page sees
// around the reference, how long it has been public, the advice once per
// meeting, and the history of each leak.
#include <algorithm>
#include <cstdio>
#include <ctime>

#include "base/ascii.h"
#include "report/render_internal.h"

namespace meetleak::report_internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'; }

// The few entities a crawled context holds, and numeric ones; anything else
// stays as written.
std::string DecodeEntities(std::string_view s) {
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"amp", "&"},
      {"lt", "<"},
      {"gt", ">"},
      {"quot", "\""},
      {"apos", "'"},
      {"nbsp", " "},
      {"#39", "'"},
      {"hellip", "\xE2\x80\xA6"},
      {"ndash", "\xE2\x80\x93"},
      {"mdash", "\xE2\x80\x94"}};
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const std::size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += '&';
      continue;
    }
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    bool done = false;
    for (const auto& [n, v] : kNamed)
      if (name == n) {
        out += v;
        done = true;
        break;
      }
    if (!done && name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      unsigned long cp = 0;
      bool ok = name.size() > (hex ? 2u : 1u);
      for (char c : name.substr(hex ? 2 : 1)) {
        const int d = ascii::IsDigit(c)             ? c - '0'
                      : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                    : -1;
        if (d < 0 || cp > 0x10FFFF) ok = false;
        if (!ok) break;
        cp = cp * (hex ? 16 : 10) + static_cast<unsigned long>(d);
      }
      if (ok && cp > 0 && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF)) {
        if (cp == 0xA0) cp = ' ';
        if (cp < 0x80) {
          out += static_cast<char>(cp);
        } else if (cp < 0x800) {
          out += static_cast<char>(0xC0 | (cp >> 6));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
          out += static_cast<char>(0xE0 | (cp >> 12));
          out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
          out += static_cast<char>(0xF0 | (cp >> 18));
          out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
          out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        }
        done = true;
      }
    }
    if (done)
      i = semi;
    else
      out += '&';
  }
  return out;
}

// A Zoom URL quoted in a tag's attributes (href="…"), or "".
std::string ZoomUrlIn(std::string_view tag) {
  for (std::size_t at = 0; (at = tag.find("zoom", at)) != std::string_view::npos; ++at) {
    std::size_t start = at;
    while (start > 0 && tag[start - 1] != '"' && tag[start - 1] != '\'' && tag[start - 1] != '=' &&
           !IsSpace(tag[start - 1]))
      --start;
    std::size_t end = at;
    while (end < tag.size() && tag[end] != '"' && tag[end] != '\'' && tag[end] != '>' &&
           !IsSpace(tag[end]))
      ++end;
    std::string_view url = tag.substr(start, end - start);
    if (url.find('/') != std::string_view::npos) return DecodeEntities(url);
  }
  return "";
}

// Appends text, whitespace collapsed.
void AddText(std::vector<ContextPiece>& pieces, std::string_view text, bool marked) {
  std::string clean;
  for (char c : text) {
    if (IsSpace(c)) {
      if (!clean.empty() && clean.back() == ' ') continue;
      if (clean.empty() && !pieces.empty() && !pieces.back().text.empty() &&
          pieces.back().text.back() == ' ')
        continue;
      clean += ' ';
    } else {
      clean += c;
    }
  }
  if (clean.empty()) return;
  if (!marked && !pieces.empty() && !pieces.back().marked)
    pieces.back().text += clean;
  else
    pieces.push_back({clean, marked});
}

// Where the reference's key stands in `text` (digits may be grouped by
// spaces or dashes), widened to the URL around it; npos when absent.
std::pair<std::size_t, std::size_t> FindKey(std::string_view text, const Finding& f) {
  if (f.key.empty()) return {std::string_view::npos, 0};
  std::size_t begin = std::string_view::npos, end = 0;
  if (f.key_kind == KeyKind::kMeetingId) {
    for (std::size_t i = 0; i < text.size() && begin == std::string_view::npos; ++i) {
      if (text[i] != f.key[0] || (i > 0 && ascii::IsDigit(text[i - 1]))) continue;
      std::size_t k = 0, j = i;
      while (j < text.size() && k < f.key.size()) {
        if (text[j] == f.key[k]) {
          ++k;
          ++j;
        } else if ((text[j] == ' ' || text[j] == '-') && k > 0) {
          ++j;
        } else {
          break;
        }
      }
      if (k == f.key.size() && (j == text.size() || !ascii::IsDigit(text[j]))) begin = i, end = j;
    }
  } else {
    const std::string lower = ascii::Lower(text);
    const std::size_t at = lower.find(ascii::Lower(f.key));
    if (at != std::string::npos) begin = at, end = at + f.key.size();
  }
  if (begin == std::string_view::npos) return {begin, 0};
  // Widen to the whole URL or dial string when the key is inside one.
  std::size_t b = begin, e = end;
  while (b > 0 && !IsSpace(text[b - 1]) && text[b - 1] != '(' && text[b - 1] != '"') --b;
  while (e < text.size() && !IsSpace(text[e]) && text[e] != ')' && text[e] != '"') ++e;
  const std::string_view token = text.substr(b, e - b);
  if (token.find("zoom") != std::string_view::npos || token.find(':') != std::string_view::npos ||
      token.find(",,") != std::string_view::npos) {
    while (e > b && (text[e - 1] == '.' || text[e - 1] == ',' || text[e - 1] == ';')) --e;
    return {b, e};
  }
  return {begin, end};
}

std::int64_t ParseIsoSeconds(const std::string& iso) {
  std::tm tm{};
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm));
}

// A stored context is a window of the page, its ends cut anywhere: an
// ellipsis at each end says the text goes on.
void MarkExcerpt(std::vector<ContextPiece>& pieces) {
  if (pieces.empty()) return;
  constexpr std::string_view kEllipsis = "\xE2\x80\xA6";
  if (pieces.front().marked)
    pieces.insert(pieces.begin(), {std::string(kEllipsis), false});
  else
    pieces.front().text.insert(0, kEllipsis);
  if (pieces.back().marked)
    pieces.push_back({std::string(kEllipsis), false});
  else
    pieces.back().text += kEllipsis;
}

}  // namespace

std::vector<ContextPiece> VisibleContext(const Finding& f) {
  const std::string raw = ValidUtf8(Scrubbed(f.context));
  std::string_view s = raw;
  std::vector<ContextPiece> pieces;
  bool url_marked = false;
  auto tag = [&](std::string_view t) {
    if (url_marked) return;
    const std::string url = ZoomUrlIn(t);
    if (url.empty()) return;
    AddText(pieces, " ", false);
    AddText(pieces, Scrubbed(url), true);
    AddText(pieces, " ", false);
    url_marked = true;
  };
  // A context cut inside a tag starts with its tail: attributes, then '>'.
  const std::size_t first_gt = s.find('>'), first_lt = s.find('<');
  const auto tag_tail = [](std::string_view t) {  // `ss="btn"`, `p`, `/a`
    if (t.find('=') != std::string_view::npos) return true;
    for (char c : t)
      if (!ascii::IsAlnum(c) && c != '/' && c != '-') return false;
    return true;
  };
  if (first_gt != std::string_view::npos && first_gt < first_lt &&
      tag_tail(s.substr(0, first_gt))) {
    tag(s.substr(0, first_gt));
    s.remove_prefix(first_gt + 1);
  }
  std::string text;  // pending text outside tags
  auto flush = [&] {
    const std::string decoded = DecodeEntities(text);
    text.clear();
    if (url_marked) {
      AddText(pieces, decoded, false);
      return;
    }
    const auto [b, e] = FindKey(decoded, f);
    if (b == std::string_view::npos) {
      AddText(pieces, decoded, false);
      return;
    }
    AddText(pieces, std::string_view(decoded).substr(0, b), false);
    AddText(pieces, std::string_view(decoded).substr(b, e - b), true);
    AddText(pieces, std::string_view(decoded).substr(e), false);
    url_marked = true;
  };
  while (!s.empty()) {
    const std::size_t lt = s.find('<');
    const bool is_tag = lt != std::string_view::npos && lt + 1 < s.size() &&
                        (ascii::IsAlpha(s[lt + 1]) || s[lt + 1] == '/' || s[lt + 1] == '!');
    if (!is_tag) {
      const std::size_t upto = lt == std::string_view::npos ? s.size() : lt + 1;
      text += s.substr(0, upto);
      s.remove_prefix(upto);
      continue;
    }
    text += s.substr(0, lt);
    flush();
    const std::size_t gt = s.find('>', lt);
    const std::string_view t =
        s.substr(lt, gt == std::string_view::npos ? std::string_view::npos : gt - lt + 1);
    tag(t);
    // Block-level tags break words apart.
    AddText(pieces, " ", false);
    s.remove_prefix(gt == std::string_view::npos ? s.size() : gt + 1);
  }
  flush();
  // Trim the outer spaces.
  while (!pieces.empty() && !pieces.front().marked && !pieces.front().text.empty() &&
         pieces.front().text.front() == ' ') {
    pieces.front().text.erase(0, 1);
    if (pieces.front().text.empty()) pieces.erase(pieces.begin());
  }
  while (!pieces.empty() && !pieces.back().marked && !pieces.back().text.empty() &&
         pieces.back().text.back() == ' ') {
    pieces.back().text.pop_back();
    if (pieces.back().text.empty()) pieces.pop_back();
  }
  MarkExcerpt(pieces);
  return pieces;
}

std::string WhatLeaked(const Finding& f) {
  const bool pmi = f.meeting_kind == MeetingKind::kPmi;
  std::string what;
  switch (f.link_type) {
    case LinkType::kStart:
      what = "A host start link";
      break;
    case LinkType::kPersonal:
      what = "Your personal meeting link";
      break;
    case LinkType::kRegister:
      what = "A registration link";
      break;
    case LinkType::kRecording:
      what = "A link to a cloud recording";
      break;
    case LinkType::kWebinar:
      what = "A webinar link";
      break;
    case LinkType::kJoin:
      what =
          f.form == RefForm::kAppLink ? "A link that opens the Zoom app and joins" : "A join link";
      break;
    case LinkType::kNone:
      what = f.form == RefForm::kDialIn ? "A dial-in number with the meeting ID"
                                        : "The meeting ID, in invitation text,";
      break;
  }
  if (f.has_passcode && f.link_type != LinkType::kStart) what += " with its passcode";
  what += " is on a public page.";
  std::string allows;
  if (f.link_type == LinkType::kStart)
    allows = "Whoever has this link can start the meeting as its host.";
  else if (f.link_type == LinkType::kRecording)
    allows = "Anyone with this link can watch the recording.";
  else if (f.link_type == LinkType::kRegister)
    allows = "Anyone can register for the meeting; they join only once registered.";
  else if (f.link_type == LinkType::kPersonal || pmi)
    allows =
        "It is a permanent room: anyone who has it can join any meeting held in it, now and "
        "later.";
  else if (f.has_passcode)
    allows = f.form == RefForm::kUrl || f.form == RefForm::kAppLink
                 ? "Anyone with this link can join without a passcode."
                 : "Anyone who reads the page can join, passcode included.";
  else if (f.form == RefForm::kDialIn)
    allows = "Anyone can join by phone (a passcode is asked only if the meeting has one).";
  else
    allows =
        "Anyone who reads the page can join (a passcode is asked only if the meeting has "
        "one).";
  std::string sentence = what + " " + allows;
  if (f.severity_reason == "meeting expired")
    sentence += " Zoom has expired this meeting, so the risk is low now.";
  else if (!f.severity_reason.empty())
    sentence += " Zoom's settings make it worse: " + f.severity_reason + ".";
  return sentence;
}

std::vector<std::string> MeetingAdvice(const MeetingGroup& meeting) {
  bool start = false, personal = false, passcode = false, recording = false, joinable = false;
  bool only_register = true;
  for (const Finding* f : meeting.findings) {
    start |= f->link_type == LinkType::kStart;
    personal |= f->link_type == LinkType::kPersonal || f->meeting_kind == MeetingKind::kPmi;
    passcode |= f->has_passcode;
    recording |= f->link_type == LinkType::kRecording;
    joinable |= f->link_type != LinkType::kRecording && f->link_type != LinkType::kRegister &&
                f->link_type != LinkType::kStart;
    only_register &= f->link_type == LinkType::kRegister;
  }
  std::vector<std::string> advice;
  if (start)
    advice.push_back(
        "Delete this meeting and create a new one (new ID, new start link), then send the new "
        "invitation privately. The start link carries a host token: sign out of all devices in "
        "your Zoom profile to cancel it at once.");
  if (personal)
    advice.push_back(
        "Move public events off your Personal Meeting ID: schedule a separate meeting for each, "
        "then change your PMI (and personal link name) in your Zoom profile.");
  if (passcode && !start)
    advice.push_back(
        "Change the meeting's passcode and send the new one only to the people invited; Zoom "
        "does not resend invitations.");
  if (recording)
    advice.push_back(
        "Stop sharing the recording, or protect it: set a passcode, allow only signed-in "
        "users, or add an expiry date.");
  if (joinable && !start)
    advice.push_back("Turn on the waiting room, so nobody gets in without being admitted.");
  if (only_register) {
    advice.push_back(
        "A registration link is low risk when the event is meant to be public. If it is not, "
        "require approval of registrations in the meeting's settings.");
    return advice;
  }
  advice.push_back("Ask whoever runs the page to take the link down.");
  return advice;
}

ExposureSpan Exposure(const Finding& f) {
  ExposureSpan span;
  if (!f.first_seen || !f.last_seen) return span;
  const std::int64_t a = ParseIsoSeconds(*f.first_seen), b = ParseIsoSeconds(*f.last_seen);
  if (a < 0 || b < a) return span;
  span.known = true;
  span.days = static_cast<int>((b - a + 86399) / 86400);
  return span;
}

std::string ExposureText(const Finding& f) {
  const ExposureSpan span = Exposure(f);
  if (!span.known) return "";
  if (span.days <= 1) return span.days == 0 ? "seen once" : "public for up to a day";
  return "public for at least " + std::to_string(span.days) + " days";
}

std::string EventText(const FindingEvent& e) {
  std::string who = e.actor == "owner"      ? "by its owner"
                    : e.actor == "config"   ? "by the configuration"
                    : e.actor == "zoom"     ? "through Zoom's API"
                    : e.actor == "meetleak" ? "by meetleak"
                                            : "by " + e.actor;
  std::string what;
  if (e.kind == "acknowledged")
    what = "Acknowledged " + who;
  else if (e.kind == "resolved")
    what = "Marked resolved " + who;
  else if (e.kind == "false_positive")
    what = "Marked not a leak (false positive) " + who;
  else if (e.kind == "reopened")
    what = "Reopened " + who;
  else if (e.kind == "allowed")
    what = "Allowed " + who;
  else if (e.kind == "gone")
    what = "No longer seen";
  else if (e.kind == "severity")
    what = "Risk changed";
  else if (e.kind == "fixed")
    what = "Fixed " + who;
  else if (e.kind == "note")
    what = "Note " + who;
  else
    what = e.kind + " " + who;
  std::string line = (e.at.empty() ? "before history was kept" : e.at) + ": " + what;
  if (!e.note.empty()) line += " \xE2\x80\x94 " + e.note;
  return Scrubbed(line);
}

std::string HandledCommand(const Finding& f) {
  if (!f.leak_id) return "";
  return "meetleak leaks ack " + std::to_string(*f.leak_id) + " --note \"what you did\"";
}

std::string StatusText(const Finding& f) {
  if (!f.status) return "not stored";
  switch (*f.status) {
    case LeakStatus::kOpen:
      return "open: nobody has handled it yet";
    case LeakStatus::kAcknowledged:
      return "acknowledged: someone is on it";
    case LeakStatus::kResolved:
      return f.note == "fixed through Zoom's API" ? "resolved: fixed through Zoom's API"
                                                  : "resolved by its owner";
    case LeakStatus::kFalsePositive:
      return "marked not a leak";
    case LeakStatus::kAllowed:
      return "allowed: meant to be public";
    case LeakStatus::kGone:
      return "gone: no longer on the page";
  }
  return std::string(ToString(*f.status));
}

}  // namespace meetleak::report_internal

namespace meetleak::report_internal {

std::vector<std::pair<std::string, std::string>> HeaderLines(const ReportHeader& h) {
  std::vector<std::pair<std::string, std::string>> lines;
  lines.emplace_back("Generated", h.generated_at);
  std::string scope = h.owner.empty() ? "meetings of every owner" : "meetings of " + h.owner;
  scope +=
      h.status ? ", leaks that are " + std::string(ToString(*h.status)) : ", leaks in any state";
  lines.emplace_back("Covers", scope);
  std::string scanned;
  if (h.sources.empty()) scanned = "no configured source (scans only)";
  for (std::size_t i = 0; i < h.sources.size() && i < 5; ++i)
    scanned += (i ? ", " : "") + Scrubbed(h.sources[i]);
  if (h.sources.size() > 5) scanned += " and " + std::to_string(h.sources.size() - 5) + " more";
  lines.emplace_back("Pages watched", scanned);
  lines.emplace_back("Last scan", h.last_pass.empty() ? "none recorded yet" : h.last_pass);
  lines.emplace_back("Questions",
                     h.security_contact.empty() ? "your security team" : h.security_contact);
  lines.emplace_back("When a leak is handled",
                     "run  meetleak leaks ack ID --note \"what you did\"  with the leak's number "
                     "(resolve instead of ack once it is fixed, false-positive if it is not a "
                     "leak)");
  return lines;
}

}  // namespace meetleak::report_internal
