// The HTTP layer on libcurl's easy interface: the API client sends one
// request at a time (the rate budget spaces them), so one easy handle with
// its connection cache is all it needs.
#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "base/ascii.h"
#include "zoom/client.h"

namespace meetleak::zoom {
namespace {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Sink {
  HttpResponse* response;
  std::size_t cap;
  bool too_long = false;
};

size_t OnBody(char* data, size_t size, size_t nmemb, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * nmemb;
  if (sink->response->body.size() + n > sink->cap) {
    sink->too_long = true;
    return 0;
  }
  sink->response->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * nmemb;
  std::string_view line(data, n);
  if (ascii::StartsWithIgnoreCase(line, "HTTP/")) sink->response->headers.clear();
  const auto colon = line.find(':');
  if (colon != std::string_view::npos)
    sink->response->headers.emplace_back(ascii::Lower(ascii::Trim(line.substr(0, colon))),
                                         std::string(ascii::Trim(line.substr(colon + 1))));
  return n;
}

class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(TransportOptions options) : options_(std::move(options)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    easy_.reset(curl_easy_init());
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    if (!easy_) return Status::Internal("libcurl: cannot create a handle");
    CURL* c = easy_.get();
    curl_easy_reset(c);
    HttpResponse response;
    Sink sink{&response, options_.max_body_bytes};
    char error[CURL_ERROR_SIZE] = {0};
    std::unique_ptr<curl_slist, SlistDeleter> headers;
    for (const std::string& h : request.headers) {
      curl_slist* next = curl_slist_append(headers.get(), h.c_str());
      if (next == nullptr) return Status::Internal("libcurl: out of memory");
      (void)headers.release();
      headers.reset(next);
    }
    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // the token goes nowhere else
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count() * 1000));
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_bundle.empty())
      curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    if (!options_.proxy.empty()) curl_easy_setopt(c, CURLOPT_PROXY, options_.proxy.c_str());
    curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method != "GET") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    const CURLcode rc = curl_easy_perform(c);
    // The request's headers (the token, the Basic credentials) are freed
    // with `headers`; libcurl keeps no copy past the transfer.
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
    if (sink.too_long)
      return Status::Unavailable("the answer is longer than " +
                                 std::to_string(options_.max_body_bytes) + " bytes");
    if (rc != CURLE_OK) {
      std::string message = curl_easy_strerror(rc);
      if (error[0] != '\0') message += std::string(" (") + error + ")";
      return Status::Unavailable(message);
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
  }

 private:
  TransportOptions options_;
  std::unique_ptr<CURL, EasyDeleter> easy_;
};

}  // namespace

std::string HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return "";
}

std::unique_ptr<HttpTransport> NewCurlTransport(TransportOptions options) {
  return std::make_unique<CurlTransport>(std::move(options));
}

}  // namespace meetleak::zoom
