// The metrics file of `run --metrics-file` in the Prometheus text format.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "report/render.h"

namespace meetleak {
namespace {

std::string LabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// Integers as integers, other values with enough digits to round-trip.
std::string Number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

class Writer {
 public:
  void Gauge(std::string_view name, std::string_view help) {
    out_ << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n";
  }
  void Sample(std::string_view name, double value) { out_ << name << " " << Number(value) << "\n"; }
  void Sample(std::string_view name, std::string_view label, std::string_view label_value,
              double value) {
    out_ << name << "{" << label << "=\"" << LabelValue(label_value) << "\"} " << Number(value)
         << "\n";
  }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

}  // namespace

std::string RenderMetrics(const PassMetrics& m) {
  Writer w;
  w.Gauge("meetleak_last_pass_start_timestamp_seconds", "When the last pass started (unix time).");
  w.Sample("meetleak_last_pass_start_timestamp_seconds", m.start);
  w.Gauge("meetleak_last_pass_end_timestamp_seconds", "When the last pass ended (unix time).");
  w.Sample("meetleak_last_pass_end_timestamp_seconds", m.end);
  w.Gauge("meetleak_last_pass_duration_seconds", "How long the last pass took.");
  w.Sample("meetleak_last_pass_duration_seconds", m.duration);
  w.Gauge("meetleak_last_pass_documents", "Documents of the last pass by outcome.");
  for (const auto& [outcome, n] : m.documents)
    w.Sample("meetleak_last_pass_documents", "outcome", outcome, static_cast<double>(n));
  w.Gauge("meetleak_last_pass_bytes", "Body bytes read in the last pass (decoded).");
  w.Sample("meetleak_last_pass_bytes", static_cast<double>(m.bytes));
  w.Gauge("meetleak_last_pass_new_leaks", "Leaks the last pass opened.");
  w.Sample("meetleak_last_pass_new_leaks", static_cast<double>(m.new_leaks));
  w.Gauge("meetleak_leaks_open", "Open leaks by severity, after the last pass.");
  for (const auto& [severity, n] : m.leaks_open)
    w.Sample("meetleak_leaks_open", "severity", severity, static_cast<double>(n));
  w.Gauge("meetleak_last_pass_notify", "Owner digests of the last pass by result.");
  w.Sample("meetleak_last_pass_notify", "result", "sent", static_cast<double>(m.notify_sent));
  w.Sample("meetleak_last_pass_notify", "result", "failed", static_cast<double>(m.notify_failed));
  if (m.last_sync_success) {
    w.Gauge("meetleak_last_sync_success_timestamp_seconds",
            "When the Zoom inventory sync last succeeded (unix time).");
    w.Sample("meetleak_last_sync_success_timestamp_seconds", *m.last_sync_success);
  }
  w.Gauge("meetleak_sources_failing", "Configured sources whose last fetch failed.");
  w.Sample("meetleak_sources_failing", static_cast<double>(m.sources_failing));
  return w.str();
}

}  // namespace meetleak
