// Delivering digests through libcurl: SMTP (curl_mime builds the
// multipart/alternative message) and a webhook POST.
#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "report/notify_internal.h"

namespace meetleak {
namespace {

using report_internal::HeaderValue;
using report_internal::UrlOrigin;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct MimeDeleter {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;
using Mime = std::unique_ptr<curl_mime, MimeDeleter>;

Slist MakeSlist(const std::vector<std::string>& lines) {
  curl_slist* list = nullptr;
  for (const std::string& line : lines) {
    curl_slist* next = curl_slist_append(list, line.c_str());
    if (!next) break;
    list = next;
  }
  return Slist(list);
}

size_t DiscardBody(char*, size_t size, size_t nmemb, void*) { return size * nmemb; }

// Options common to both channels: timeouts, TLS, no signals.
void SetCommonOptions(CURL* curl, const NotifyOptions& options, char* error_buffer) {
  const long timeout_ms = static_cast<long>(options.timeout.count());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
  if (!options.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_bundle.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  error_buffer[0] = '\0';
}

Status CurlFailure(std::string_view what, const std::string& url, CURLcode code,
                   const char* error_buffer) {
  std::string message = std::string(what) + " " + UrlOrigin(url) + ": " + curl_easy_strerror(code);
  if (error_buffer[0]) message += " (" + HeaderValue(error_buffer) + ")";
  return Status::Unavailable(message);
}

bool IsPlausibleAddress(std::string_view a) {
  const auto at = a.find('@');
  return !a.empty() && at != std::string_view::npos && at > 0 && at + 1 < a.size() &&
         a.find_first_of("<>\r\n \t,;") == std::string_view::npos;
}

// The message body: multipart/alternative with the plain text first and the
// HTML last (the preferred rendering), both UTF-8 in quoted-printable.
Mime BuildMessage(CURL* curl, const Digest& digest) {
  Mime mime(curl_mime_init(curl));
  curl_mimepart* text = curl_mime_addpart(mime.get());
  curl_mime_data(text, digest.text.data(), digest.text.size());
  curl_mime_type(text, "text/plain; charset=utf-8");
  curl_mime_encoder(text, "quoted-printable");
  curl_mimepart* html = curl_mime_addpart(mime.get());
  curl_mime_data(html, digest.html.data(), digest.html.size());
  curl_mime_type(html, "text/html; charset=utf-8");
  curl_mime_encoder(html, "quoted-printable");
  return mime;
}

}  // namespace

Status SendDigestEmail(const Digest& digest, const NotifyOptions& options, const Clock& clock) {
  if (Status s = CheckNotifyOptions(options); !s.ok()) return s;
  if (options.smtp_url.empty()) return Status::InvalidInput("notify: no smtp_url configured");
  if (digest.recipient.empty())
    return Status::InvalidInput("notify: " + std::to_string(digest.findings.size()) +
                                " leaks have no owner and no security_contact is configured");
  if (!IsPlausibleAddress(digest.recipient) || !IsPlausibleAddress(options.from))
    return Status::InvalidInput(
        "notify: not a usable e-mail address: '" +
        HeaderValue(!IsPlausibleAddress(digest.recipient) ? digest.recipient : options.from) + "'");
  GlobalInitOnce();
  Easy curl(curl_easy_init());
  if (!curl) return Status::Internal("notify: curl_easy_init failed");
  char error_buffer[CURL_ERROR_SIZE];
  SetCommonOptions(curl.get(), options, error_buffer);
  curl_easy_setopt(curl.get(), CURLOPT_URL, options.smtp_url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // smtp://: STARTTLS when the server offers it; required when a password
  // would otherwise cross the network in clear.
  const bool has_credentials = !options.smtp_user.empty();
  curl_easy_setopt(
      curl.get(), CURLOPT_USE_SSL,
      has_credentials ? static_cast<long>(CURLUSESSL_ALL) : static_cast<long>(CURLUSESSL_TRY));
  if (has_credentials) {
    curl_easy_setopt(curl.get(), CURLOPT_USERNAME, options.smtp_user.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PASSWORD, options.smtp_password.c_str());
  }
  const std::string mail_from = "<" + options.from + ">";
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_FROM, mail_from.c_str());
  Slist recipients = MakeSlist({"<" + digest.recipient + ">"});
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_RCPT, recipients.get());
  std::vector<std::string> headers = report_internal::MailHeaders(digest, options, clock);
  // libcurl's top-level MIME type defaults to multipart/mixed; a Content-Type
  // header makes it multipart/alternative (libcurl appends the boundary).
  headers.push_back("Content-Type: multipart/alternative");
  Slist header_list = MakeSlist(headers);
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, header_list.get());
  Mime mime = BuildMessage(curl.get(), digest);
  curl_easy_setopt(curl.get(), CURLOPT_MIMEPOST, mime.get());
  const CURLcode code = curl_easy_perform(curl.get());
  if (code != CURLE_OK) return CurlFailure("e-mail via", options.smtp_url, code, error_buffer);
  return Status::OK();
}

Status PostDigestWebhook(const Digest& digest, const NotifyOptions& options) {
  if (Status s = CheckNotifyOptions(options); !s.ok()) return s;
  if (options.webhook_url.empty()) return Status::InvalidInput("notify: no webhook_url configured");
  GlobalInitOnce();
  Easy curl(curl_easy_init());
  if (!curl) return Status::Internal("notify: curl_easy_init failed");
  char error_buffer[CURL_ERROR_SIZE];
  SetCommonOptions(curl.get(), options, error_buffer);
  curl_easy_setopt(curl.get(), CURLOPT_URL, options.webhook_url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  const std::string payload = WebhookPayload(digest);
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(payload.size()));
  const std::string user_agent =
      "User-Agent: meetleak" + (options.tool_version.empty() ? "" : "/" + options.tool_version);
  Slist headers =
      MakeSlist({"Content-Type: application/json; charset=utf-8", user_agent, "Expect:"});
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, DiscardBody);
  const CURLcode code = curl_easy_perform(curl.get());
  if (code != CURLE_OK) return CurlFailure("webhook", options.webhook_url, code, error_buffer);
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299)
    return Status::Unavailable("webhook " + UrlOrigin(options.webhook_url) + ": HTTP " +
                               std::to_string(status));
  return Status::OK();
}

std::vector<DeliveryResult> SendDigests(const std::vector<Digest>& digests,
                                        const NotifyOptions& options, const Clock& clock) {
  const Status usable = CheckNotifyOptions(options);
  std::vector<DeliveryResult> results;
  for (const Digest& digest : digests) {
    DeliveryResult r;
    r.recipient = digest.recipient;
    r.leak_ids = digest.leak_ids;
    if (!usable.ok()) {
      r.email = usable;
      results.push_back(std::move(r));
      continue;
    }
    if (!options.smtp_url.empty()) {
      r.email_attempted = true;
      r.email = SendDigestEmail(digest, options, clock);
    }
    if (!options.webhook_url.empty()) {
      r.webhook_attempted = true;
      r.webhook = PostDigestWebhook(digest, options);
    }
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace meetleak
