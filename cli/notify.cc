// notify: owner digests of leaks new, reopened or escalated since their last notice.
#include "report/notify.h"

#include <cstdlib>
#include <iostream>

#include "cli/subcommands.h"

namespace meetleak::cli {

Status NotifyOwners(Context& ctx, bool dry_run) {
  const Config& c = ctx.config();
  NotifyOptions options;
  options.smtp_url = c.notify.smtp_url;
  options.smtp_user = c.notify.smtp_user;
  if (!c.notify.smtp_password_env.empty()) {
    const char* pw = std::getenv(c.notify.smtp_password_env.c_str());
    if (pw == nullptr && !dry_run && !c.notify.smtp_url.empty())
      return Status::InvalidInput(c.file.string() + ": notify.smtp_password_env: $" +
                                  c.notify.smtp_password_env + " is not set");
    if (pw != nullptr) options.smtp_password = pw;
  }
  options.from = c.notify.from;
  options.webhook_url = c.notify.webhook_url;
  options.security_contact = c.security_contact;
  options.verify_tls = c.crawler.verify_tls;
  options.ca_bundle = c.crawler.ca_bundle;
  options.tool_version = MEETLEAK_VERSION;
  if (Status s = CheckNotifyOptions(options); !s.ok())
    return Status::InvalidInput((c.file.empty() ? "config" : c.file.string()) +
                                ": [notify]: " + s.message());

  Result<std::vector<LeakStore::LeakRow>> rows = ctx.store().LeaksToNotify();
  if (!rows.ok()) return rows.status();
  std::vector<Finding> findings;
  for (const auto& row : *rows) findings.push_back(FindingFromLeak(row));
  std::vector<Digest> digests = BuildDigests(findings, options);
  if (dry_run) {
    std::cout << RenderDryRun(digests, options, *SystemClock());
    return Status::OK();
  }
  int sent = 0, failed = 0;
  for (const DeliveryResult& r : SendDigests(digests, options, *SystemClock())) {
    if (r.ok()) {
      MEETLEAK_RETURN_IF_ERROR(ctx.store().MarkNotified(r.delivered_leak_ids()));
      ++sent;
    } else {
      ++failed;
      ctx.Warn("notify " + (r.recipient.empty() ? std::string("(no recipient)") : r.recipient) +
               ": " + r.error().message() + " (will retry next time)");
    }
  }
  if (!ctx.options().quiet)
    std::cerr << "meetleak: notify: " << sent << " digests sent, " << failed << " failed\n";
  return Status::OK();
}

void AddNotifyCommand(CLI::App& app, Command& command) {
  auto dry_run = std::make_shared<bool>(false);
  CLI::App* notify = app.add_subcommand("notify", "send owner digests");
  notify->add_flag("--dry-run", *dry_run, "print what would be sent");
  notify->callback([&command, dry_run] {
    command = [dry_run](Context& ctx) -> Result<int> {
      MEETLEAK_RETURN_IF_ERROR(ctx.OpenStore());
      MEETLEAK_RETURN_IF_ERROR(NotifyOwners(ctx, *dry_run));
      return 0;
    };
  });
}

}  // namespace meetleak::cli
