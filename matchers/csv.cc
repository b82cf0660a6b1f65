// The inventory CSVs: an RFC 4180 reader that remembers each row's first
// physical line, and the two row parsers with the design's import rules.
#include <map>

#include "base/email.h"
#include "matchers/internal.h"
#include "matchers/inventory.h"

namespace meetleak {
namespace {

struct CsvRow {
  std::size_t line = 0;  // physical line where the row starts (1-based)
  std::vector<std::string> fields;
};

struct CsvText {
  std::vector<CsvRow> rows;
  std::vector<std::string> errors;  // "line: reason" without the file name
};

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

bool AtLineEnd(std::string_view t, std::size_t i) {
  return i >= t.size() || t[i] == '\n' || (t[i] == '\r' && (i + 1 >= t.size() || t[i + 1] == '\n'));
}

std::size_t SkipLineEnd(std::string_view t, std::size_t i) {
  if (i < t.size() && t[i] == '\r') ++i;
  if (i < t.size() && t[i] == '\n') ++i;
  return i;
}

// Reads one field at t[*i]; false (with *error set) on a quoting error, in
// which case *i is left at the end of the physical line.
bool ReadField(std::string_view t, std::size_t* i, std::size_t* line, std::string* field,
               std::string* error) {
  std::size_t k = *i;
  if (k < t.size() && t[k] == '"') {
    ++k;
    while (true) {
      if (k >= t.size()) {
        *error = "unterminated quoted field";
        *i = k;
        return false;
      }
      if (t[k] == '"' && k + 1 < t.size() && t[k + 1] == '"') {
        field->push_back('"');
        k += 2;
      } else if (t[k] == '"') {
        ++k;
        break;
      } else {
        if (t[k] == '\n') ++*line;
        field->push_back(t[k++]);
      }
    }
    if (!AtLineEnd(t, k) && t[k] != ',') {
      *error = "text after a closing quote";
      while (!AtLineEnd(t, k)) ++k;
      *i = k;
      return false;
    }
  } else {
    while (!AtLineEnd(t, k) && t[k] != ',') {
      if (t[k] == '"') {
        *error = "quote inside an unquoted field";
        while (!AtLineEnd(t, k)) ++k;
        *i = k;
        return false;
      }
      field->push_back(t[k++]);
    }
  }
  *i = k;
  return true;
}

CsvText ReadCsv(std::string_view t) {
  CsvText out;
  if (t.starts_with("\xEF\xBB\xBF")) t.remove_prefix(3);
  std::size_t i = 0, line = 1;
  while (i < t.size()) {
    CsvRow row;
    row.line = line;
    std::string error;
    bool ok = true;
    while (true) {
      std::string field;
      if (!ReadField(t, &i, &line, &field, &error)) {
        ok = false;
        break;
      }
      row.fields.push_back(Trim(field));
      if (i < t.size() && t[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    i = SkipLineEnd(t, i);
    ++line;
    if (!ok) {
      out.errors.push_back(std::to_string(row.line) + ": " + error);
      continue;
    }
    if (row.fields.size() == 1 && row.fields[0].empty()) continue;  // blank line
    out.rows.push_back(std::move(row));
  }
  return out;
}

// Header name (lower-case) → column; empty when the file has no rows.
struct Header {
  std::map<std::string, std::size_t> columns;
  std::vector<std::string> errors;
  std::size_t Column(const std::string& name) const {
    auto it = columns.find(name);
    return it == columns.end() ? std::string::npos : it->second;
  }
};

Header ReadHeader(const CsvRow& row, std::initializer_list<const char*> required) {
  Header h;
  for (std::size_t c = 0; c < row.fields.size(); ++c)
    h.columns.emplace(ascii::Lower(row.fields[c]), c);
  for (const char* name : required)
    if (!h.columns.count(name))
      h.errors.push_back(std::to_string(row.line) + ": header has no '" + name + "' column");
  return h;
}

const std::string* Field(const CsvRow& row, std::size_t column) {
  return column < row.fields.size() ? &row.fields[column] : nullptr;
}

Status Failure(std::string_view name, const std::vector<std::string>& errors) {
  std::string message;
  for (const std::string& e : errors) {
    if (!message.empty()) message += '\n';
    message.append(name).append(":").append(e);
  }
  return Status::InvalidInput(std::move(message));
}

struct Seen {
  std::string owner;
  std::size_t line;
};

// Checks that `key` is not listed twice with different owners; false if
// this row repeats an earlier one (same owner) and should be skipped.
bool FirstListing(std::map<std::string, Seen>* seen, const std::string& what,
                  const std::string& key, const std::string& owner, std::size_t line,
                  std::vector<std::string>* problems) {
  auto [it, inserted] = seen->emplace(key, Seen{ascii::Lower(owner), line});
  if (inserted) return true;
  if (it->second.owner != ascii::Lower(owner))
    problems->push_back(what + " " + key + " also listed on line " +
                        std::to_string(it->second.line) + " with another owner (" +
                        it->second.owner + ")");
  return false;
}

std::string JoinProblems(std::size_t line, const std::vector<std::string>& problems) {
  std::string out = std::to_string(line) + ": ";
  for (std::size_t k = 0; k < problems.size(); ++k) out += (k ? "; " : "") + problems[k];
  return out;
}

}  // namespace

Result<std::vector<InventoryMeeting>> Inventory::ParseMeetingsCsv(std::string_view csv,
                                                                  std::string_view name) {
  CsvText text = ReadCsv(csv);
  std::vector<std::string> errors = text.errors;
  std::vector<InventoryMeeting> meetings;
  if (text.rows.empty()) {
    if (errors.empty()) return meetings;
    return Failure(name, errors);
  }
  Header h = ReadHeader(text.rows[0], {"meeting_id", "owner_email", "kind"});
  if (!h.errors.empty()) return Failure(name, h.errors);
  std::size_t id_col = h.Column("meeting_id"), owner_col = h.Column("owner_email"),
              kind_col = h.Column("kind"), topic_col = h.Column("topic");
  std::map<std::string, Seen> seen;
  for (std::size_t r = 1; r < text.rows.size(); ++r) {
    const CsvRow& row = text.rows[r];
    std::vector<std::string> problems;
    const std::string *id = Field(row, id_col), *owner = Field(row, owner_col),
                      *kind = Field(row, kind_col), *topic = Field(row, topic_col);
    InventoryMeeting m;
    if (id == nullptr)
      problems.push_back("missing column 'meeting_id'");
    else {
      for (char c : *id)
        if (c != ' ' && c != '-') m.meeting_id.push_back(c);
      bool digits = m.meeting_id.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || m.meeting_id.size() < 9 || m.meeting_id.size() > 11)
        problems.push_back("bad meeting_id '" + *id + "' (need 9-11 digits)");
    }
    if (owner == nullptr)
      problems.push_back("missing column 'owner_email'");
    else if (!IsEmailAddress(*owner))
      problems.push_back("bad owner_email '" + *owner + "'");
    else
      m.owner_email = *owner;
    if (kind == nullptr)
      problems.push_back("missing column 'kind'");
    else {
      std::optional<MeetingKind> k = ParseMeetingKind(ascii::Lower(*kind));
      if (!k || *k == MeetingKind::kUnknown)
        problems.push_back("unknown kind '" + *kind + "' (scheduled|recurring|pmi|webinar)");
      else
        m.kind = *k;
    }
    if (topic != nullptr) m.topic = *topic;
    bool first = problems.empty() ? FirstListing(&seen, "meeting_id", m.meeting_id, m.owner_email,
                                                 row.line, &problems)
                                  : false;
    if (!problems.empty())
      errors.push_back(JoinProblems(row.line, problems));
    else if (first)
      meetings.push_back(std::move(m));
  }
  if (!errors.empty()) return Failure(name, errors);
  return meetings;
}

Result<std::vector<PersonalLink>> Inventory::ParseLinksCsv(std::string_view csv,
                                                           std::string_view name) {
  CsvText text = ReadCsv(csv);
  std::vector<std::string> errors = text.errors;
  std::vector<PersonalLink> links;
  if (text.rows.empty()) {
    if (errors.empty()) return links;
    return Failure(name, errors);
  }
  Header h = ReadHeader(text.rows[0], {"vanity", "owner_email"});
  if (!h.errors.empty()) return Failure(name, h.errors);
  std::size_t vanity_col = h.Column("vanity"), owner_col = h.Column("owner_email");
  std::map<std::string, Seen> seen;
  for (std::size_t r = 1; r < text.rows.size(); ++r) {
    const CsvRow& row = text.rows[r];
    std::vector<std::string> problems;
    const std::string *vanity = Field(row, vanity_col), *owner = Field(row, owner_col);
    PersonalLink link;
    if (vanity == nullptr)
      problems.push_back("missing column 'vanity'");
    else {
      std::string v = ascii::Lower(*vanity);
      std::size_t my = v.find("/my/");  // a whole personal link is accepted too
      if (my != std::string::npos) v = v.substr(my + 4);
      while (!v.empty() && (v.back() == '/' || v.back() == '.')) v.pop_back();
      bool ok = !v.empty() && v.size() <= 64;
      for (char c : v) ok = ok && (ascii::IsAlnum(c) || c == '.' || c == '_' || c == '-');
      if (!ok) problems.push_back("bad vanity '" + *vanity + "'");
      link.vanity = v;
    }
    if (owner == nullptr)
      problems.push_back("missing column 'owner_email'");
    else if (!IsEmailAddress(*owner))
      problems.push_back("bad owner_email '" + *owner + "'");
    else
      link.owner_email = *owner;
    bool first = problems.empty() ? FirstListing(&seen, "vanity", link.vanity, link.owner_email,
                                                 row.line, &problems)
                                  : false;
    if (!problems.empty())
      errors.push_back(JoinProblems(row.line, problems));
    else if (first)
      links.push_back(std::move(link));
  }
  if (!errors.empty()) return Failure(name, errors);
  return links;
}

}  // namespace meetleak
