// Owner notifications: digests of findings, and their delivery by e-mail
// (SMTP through libcurl) and by webhook (a JSON POST).
//
//   NotifyOptions opts;                       // from the config's [notify]
//   opts.smtp_url = "smtps://mail.acme.example:465";
//   opts.smtp_password = getenv(config.smtp_password_env);   // the caller reads the env
//   std::vector<Digest> digests = BuildDigests(leaks_to_notify, opts);
//   if (dry_run) { std::cout << RenderDryRun(digests, opts, *SystemClock()); return; }
//   for (const DeliveryResult& r : SendDigests(digests, opts, *SystemClock()))
//     if (r.ok()) store.MarkNotified(r.leak_ids); else warn(r.error());
//
// BuildDigests is pure: one Digest per recipient (the finding's owner, or
// security_contact for findings without one; an owner equal to the contact
// gets one digest), plain text plus an HTML alternative, from the findings as
// given (the caller chooses which: new, reopened or escalated since their
// last notice). Recipients in alphabetical order.
//
// SendDigests delivers each digest to every configured channel — an e-mail
// to its recipient when smtp_url is set, a POST when webhook_url is set — and
// returns one DeliveryResult per digest, in the same order. A digest is
// delivered (ok()) only when every configured channel accepted it; mark its
// leaks notified only then. After a partial failure the next attempt repeats
// the channels that did succeed (at least once, never lost). Sends are
// sequential and blocking, each bounded by `timeout`. Never throws.
//
// Secrets: smtp_password is used only for SMTP AUTH and never appears in a
// result, a message or a dry run; a password is never sent in clear: over
// smtp:// with a password, STARTTLS is required. Webhook URLs are secrets
// too (a Slack hook's path is its key): messages name their scheme and host
// only. Findings are redacted by their producer and scrubbed once more here.
#ifndef MEETLEAK_REPORT_NOTIFY_H_
#define MEETLEAK_REPORT_NOTIFY_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "report/finding.h"

namespace meetleak {

struct NotifyOptions {
  std::string smtp_url;          // smtp:// (STARTTLS when offered) or smtps://; "" = no e-mail
  std::string smtp_user;         // "" = no SMTP AUTH
  std::string smtp_password;     // from the environment variable the config names
  std::string from;              // envelope and From: address; needed for e-mail
  std::string webhook_url;       // http(s) URL; "" = no webhook
  std::string security_contact;  // recipient for findings without owner
  std::chrono::milliseconds timeout{20000};  // per send (connect + transfer)
  bool verify_tls = true;                    // verify peer certificate and host name
  std::string ca_bundle;                     // "" = the system's CA store
  std::string tool_version;                  // shown in the digest footer and User-Agent
};

struct Digest {
  std::string recipient;  // e-mail address; "" when no owner and no security_contact
  std::string subject;
  std::string text;  // text/plain body
  std::string html;  // text/html alternative (self-contained)
  std::vector<Finding> findings;
  std::vector<std::int64_t> leak_ids;  // of the stored findings, in order
};

std::vector<Digest> BuildDigests(const std::vector<Finding>& findings,
                                 const NotifyOptions& options);

// The message of `notify --test`: no finding, no secret; to
// security_contact, or to `from` when there is none. SendDigests delivers it
// on every configured channel like any digest (an e-mail, a webhook POST
// whose "findings" list is empty).
Digest TestDigest(const NotifyOptions& options);

// The webhook body: {"text": Slack-compatible summary, "recipient": …,
// "findings": [the design's finding objects]}.
std::string WebhookPayload(const Digest& digest);

// What SendDigests would send, for `notify --dry-run`: per digest the
// channels, headers and the plain-text body. No password; webhook named by
// host only.
std::string RenderDryRun(const std::vector<Digest>& digests, const NotifyOptions& options,
                         const Clock& clock);

// OK when the options allow sending at all: at least one channel; for e-mail
// an smtp:// or smtps:// URL and a From address; an http(s) webhook URL.
Status CheckNotifyOptions(const NotifyOptions& options);

struct DeliveryResult {
  std::string recipient;
  std::vector<std::int64_t> leak_ids;  // the digest's stored findings
  bool email_attempted = false;
  Status email;  // OK when sent, or when e-mail is not configured
  bool webhook_attempted = false;
  Status webhook;  // OK when posted, or when no webhook is configured
  bool ok() const { return email.ok() && webhook.ok(); }
  // The leak ids delivered: all of leak_ids when ok(), else none.
  std::vector<std::int64_t> delivered_leak_ids() const {
    return ok() ? leak_ids : std::vector<std::int64_t>{};
  }
  // The first failure (e-mail before webhook), OK when delivered.
  const Status& error() const { return !email.ok() ? email : webhook; }
};

std::vector<DeliveryResult> SendDigests(const std::vector<Digest>& digests,
                                        const NotifyOptions& options, const Clock& clock);

// The single channels, for callers and tests that want one.
Status SendDigestEmail(const Digest& digest, const NotifyOptions& options, const Clock& clock);
Status PostDigestWebhook(const Digest& digest, const NotifyOptions& options);

}  // namespace meetleak

#endif  // MEETLEAK_REPORT_NOTIFY_H_
