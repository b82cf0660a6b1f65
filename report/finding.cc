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

}  // namespace meetleak
