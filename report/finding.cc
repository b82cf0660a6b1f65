#include "report/finding.h"

#include <utility>

namespace meetleak {

Finding MakeFinding(const PageRef& ref, std::string page_url, std::string source_url) {
  Finding f;
  f.key_kind = ref.key_kind;
  f.key = ref.key;
  f.host = ref.host;
  f.form = ref.form;
  f.link_type = ref.link_type;
  f.has_passcode = ref.has_passcode;
  f.company = ref.classification.company;
  f.owner = ref.classification.owner;
  f.meeting_kind = ref.classification.meeting_kind;
  f.severity = ref.classification.severity;
  f.page_url = std::move(page_url);
  f.entry_url = ref.entry_url;
  f.source_url = std::move(source_url);
  f.context = ref.context;
  // leak_id, status, first_seen, last_seen stay null: an unstored finding.
  return f;
}

Finding FindingFromLeak(const StoredLeak& leak) {
  Finding f;
  f.leak_id = leak.id;
  f.key_kind = leak.key_kind;
  f.key = leak.key;
  f.host = leak.host;
  f.form = leak.form;
  f.link_type = leak.link_type;
  f.has_passcode = leak.has_passcode;
  f.company = true;
  f.owner = leak.owner;
  f.meeting_kind = leak.meeting_kind;
  f.severity = leak.severity;
  f.status = leak.status;
  f.page_url = leak.page_url;
  f.entry_url = leak.entry_url;
  f.source_url = leak.source_url;
  f.context = leak.context;
  f.first_seen = FormatIso8601(leak.first_seen);
  f.last_seen = FormatIso8601(leak.last_seen);
  f.topic = leak.topic;
  f.note = leak.note;
  f.allow_reason = leak.allow_reason;
  f.severity_reason = leak.severity_reason;
  return f;
}

Finding WithStoredLeak(Finding f, const StoredLeak& leak) {
  f.leak_id = leak.id;
  f.status = leak.status;
  f.first_seen = FormatIso8601(leak.first_seen);
  f.last_seen = FormatIso8601(leak.last_seen);
  f.severity = leak.severity;
  return f;
}

}  // namespace meetleak
