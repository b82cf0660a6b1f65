// notify: owner digests of leaks new, reopened or escalated since their last notice.
#include "report/notify.h"

#include <cstdlib>
#include <iostream>

#include "cli/subcommands.h"
#include "cli/worker.h"

namespace meetleak::cli {

Result<NotifyOptions> NotifyOptionsFor(const Config& c, const NotifyMode& mode) {
  const std::string file = c.file.empty() ? std::string("config") : c.file.string();
  NotifyOptions options;
  options.smtp_url = c.notify.smtp_url;
  options.smtp_user = c.notify.smtp_user;
  if (!c.notify.smtp_password_env.empty()) {
    std::optional<std::string> pw = SecretFromEnv(c.notify.smtp_password_env);
    if (!pw && !mode.dry_run && !c.notify.smtp_url.empty())
      return Status::InvalidInput(
          UnsetSecretMessage(c, "notify.smtp_password_env", c.notify.smtp_password_env));
    if (pw) options.smtp_password = std::move(*pw);
  }
  options.from = c.notify.from;
  options.webhook_url = c.notify.webhook_url;
  options.security_contact = c.security_contact;
  options.verify_tls = c.crawler.verify_tls;
  options.ca_bundle = c.crawler.ca_bundle;
  options.tool_version = MEETLEAK_VERSION;
  if (Status s = CheckNotifyOptions(options); !s.ok())
    return Status::InvalidInput(file + ": [notify]: " + s.message());
  return options;
}

namespace {

// What a delivery failed on, by channel: "e-mail: …" / "webhook: …".
std::string FailureText(const DeliveryResult& r) {
  std::string text;
  if (!r.email.ok()) text = "e-mail: " + r.email.message();
  if (!r.webhook.ok()) text += (text.empty() ? "" : "; ") + ("webhook: " + r.webhook.message());
  return text;
}

}  // namespace

namespace {

Result<NotifyCounts> SendOwnerDigests(Context& ctx, const NotifyMode& mode) {
  Result<NotifyOptions> options = NotifyOptionsFor(ctx.config(), mode);
  if (!options.ok()) return options.status();
  Result<std::vector<LeakStore::LeakRow>> rows = ctx.store().LeaksToNotify();
  if (!rows.ok()) return rows.status();
  std::vector<Finding> findings;
  for (const auto& row : *rows) findings.push_back(FindingFromLeak(row));
  MEETLEAK_RETURN_IF_ERROR(AddHistory(ctx.store(), findings));
  std::vector<Digest> digests = BuildDigests(findings, *options);
  NotifyCounts counts;
  if (mode.dry_run) {
    std::cout << RenderDryRun(digests, *options, *SystemClock());
    return counts;
  }
  const Log& log = ctx.log();
  for (const DeliveryResult& r : SendDigests(digests, *options, *SystemClock())) {
    const std::string who = r.recipient.empty() ? std::string("(no recipient)") : r.recipient;
    if (r.ok()) {
      MEETLEAK_RETURN_IF_ERROR(ctx.store().MarkNotified(r.delivered_leak_ids()));
      ++counts.sent;
      log.Write(
          LogLevel::kDetail, "notify_sent", "",
          "notify " + who + ": digest of " + std::to_string(r.leak_ids.size()) + " leaks sent");
    } else {
      // An error line even with -q: a digest that did not go out is a leak
      // its owner does not know about.
      ++counts.failed;
      log.Write(LogLevel::kError, "notify_failed", "",
                "notify " + who + ": not delivered: " + FailureText(r) +
                    " (the digest stays due: the next notify retries it)");
    }
  }
  log.Info("notify: " + std::to_string(counts.sent) + " digests sent, " +
           std::to_string(counts.failed) + " failed");
  return counts;
}

}  // namespace

// Digests go out from one worker at a time (a job lease): two workers of
// one database would send each owner the same digest twice.
Result<NotifyCounts> NotifyOwners(Context& ctx, const NotifyMode& mode) {
  if (mode.dry_run) return SendOwnerDigests(ctx, mode);
  NotifyCounts counts;
  Result<bool> ran = RunAsJob(ctx, "notify", [&]() -> Status {
    Result<NotifyCounts> sent = SendOwnerDigests(ctx, mode);
    if (!sent.ok()) return sent.status();
    counts = *sent;
    return Status::OK();
  });
  if (!ran.ok()) return ran.status();
  return counts;
}

namespace {

// notify --test: one message on every configured channel.
Result<int> SendTest(Context& ctx) {
  Result<NotifyOptions> options = NotifyOptionsFor(ctx.config(), NotifyMode{});
  if (!options.ok()) return options.status();
  std::vector<DeliveryResult> results =
      SendDigests({TestDigest(*options)}, *options, *SystemClock());
  const DeliveryResult& r = results.at(0);
  for (const auto& [attempted, status, channel] :
       {std::tuple(r.email_attempted, r.email, "e-mail to " + r.recipient),
        std::tuple(r.webhook_attempted, r.webhook, std::string("webhook"))}) {
    if (!attempted) continue;
    if (status.ok())
      ctx.log().Write(LogLevel::kInfo, "notify_sent", "", "notify --test: " + channel + " sent");
    else
      ctx.log().Write(LogLevel::kError, "notify_failed", "",
                      "notify --test: " + channel + ": " + status.message());
  }
  if (!r.ok()) return Status::IOError("notify --test: a channel could not be reached");
  return 0;
}

}  // namespace

void AddNotifyCommand(CLI::App& app, Command& command) {
  struct NotifyArgs {
    NotifyMode mode;
    bool test = false;  // --test: one message per channel, no leak data
  };
  auto args = std::make_shared<NotifyArgs>();
  CLI::App* notify = app.add_subcommand("notify", "send owner digests");
  notify->add_flag("--dry-run", args->mode.dry_run, "print what would be sent; send nothing");
  notify->add_flag("--test", args->test,
                   "send one test message on every configured channel (no leak data)");
  notify->callback([&command, args] {
    command = [args](Context& ctx) -> Result<int> {
      if (args->test) return SendTest(ctx);
      MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore());
      Result<NotifyCounts> counts = NotifyOwners(ctx, args->mode);
      if (!counts.ok()) return counts.status();
      if (counts->failed > 0)
        return Status::IOError("notify: " + std::to_string(counts->failed) + " of " +
                               std::to_string(counts->sent + counts->failed) +
                               " digests not delivered; they stay due");
      return 0;
    };
  });
}

}  // namespace meetleak::cli
