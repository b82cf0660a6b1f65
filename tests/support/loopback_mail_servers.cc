#include "tests/support/loopback_mail_servers.h"

#include <algorithm>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

#include "base/ascii.h"
#include "tests/support/temp_dir.h"

namespace meetleak::testing {

namespace asio = boost::asio;
using asio::ip::tcp;

LoopbackServer::LoopbackServer()
    : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
}

LoopbackServer::~LoopbackServer() = default;

void LoopbackServer::Start() {
  Accept();
  thread_ = std::thread([this] { io_.run(); });
}

void LoopbackServer::Stop() {
  asio::post(io_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  if (thread_.joinable()) thread_.join();
}

void LoopbackServer::Accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed: the server stops
    try {
      Serve(socket);
    } catch (const std::exception&) {
      // The client went away mid-conversation; keep serving others.
    }
    Accept();
  });
}

namespace {

template <typename Stream>
std::string ReadLine(Stream& stream, std::string& buffer) {
  const std::size_t n = asio::read_until(stream, asio::dynamic_buffer(buffer), "\r\n");
  std::string line = buffer.substr(0, n - 2);
  buffer.erase(0, n);
  return line;
}

template <typename Stream>
void WriteLine(Stream& stream, const std::string& text) {
  asio::write(stream, asio::buffer(text + "\r\n"));
}

std::string Verb(const std::string& line) {
  std::string verb = line.substr(0, line.find_first_of(" :"));
  return ascii::Upper(verb);
}

std::string Argument(const std::string& line) {
  const auto colon = line.find(':');
  return colon == std::string::npos ? "" : line.substr(colon + 1);
}

}  // namespace

const TestCertificate& MailTestCertificate() {
  static const TestCertificate files = [] {
    static TempDir dir;
    TestCertificate f{(dir.path() / "cert.pem").string(), (dir.path() / "key.pem").string()};
    ProgramResult r = RunProgram({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                  "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", f.key,
                                  "-out", f.cert, "-days", "2", "-subj", "/CN=meetleak mail sink",
                                  "-addext", "subjectAltName=IP:127.0.0.1"});
    if (r.exit_code != 0) throw std::runtime_error("openssl req failed: " + r.err);
    return f;
  }();
  return files;
}

SmtpSink::SmtpSink() { Start(); }
SmtpSink::~SmtpSink() { Stop(); }

void SmtpSink::set_data_reply(std::string reply) {
  std::lock_guard<std::mutex> lock(mu_);
  data_reply_ = std::move(reply);
}

void SmtpSink::set_reject_recipient(std::string address) {
  std::lock_guard<std::mutex> lock(mu_);
  reject_recipient_ = std::move(address);
}

void SmtpSink::set_offer_auth(bool offer) {
  std::lock_guard<std::mutex> lock(mu_);
  offer_auth_ = offer;
}

void SmtpSink::set_offer_starttls(bool offer) {
  std::lock_guard<std::mutex> lock(mu_);
  offer_starttls_ = offer;
}

std::vector<ReceivedMail> SmtpSink::mails() const {
  std::lock_guard<std::mutex> lock(mu_);
  return mails_;
}

std::vector<std::string> SmtpSink::auth_responses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return auth_responses_;
}

std::vector<std::string> SmtpSink::commands() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commands_;
}

void SmtpSink::Serve(tcp::socket& socket) {
  std::string buffer;
  WriteLine(socket, "220 sink.test ESMTP");
  if (!Converse(socket, buffer, /*tls=*/false)) return;
  // STARTTLS accepted: the rest of the session runs over TLS.
  asio::ssl::context context(asio::ssl::context::tls_server);
  context.use_certificate_chain_file(MailTestCertificate().cert);
  context.use_private_key_file(MailTestCertificate().key, asio::ssl::context::pem);
  asio::ssl::stream<tcp::socket&> tls(socket, context);
  tls.handshake(asio::ssl::stream_base::server);
  std::string tls_buffer;
  Converse(tls, tls_buffer, /*tls=*/true);
}

template <typename Stream>
bool SmtpSink::Converse(Stream& stream, std::string& buffer, bool tls) {
  ReceivedMail mail;
  for (;;) {
    const std::string line = ReadLine(stream, buffer);
    std::unique_lock<std::mutex> lock(mu_);
    commands_.push_back(tls ? "[tls] " + line : line);
    const std::string verb = Verb(line);
    std::vector<std::string> replies;
    if (verb == "EHLO" || verb == "HELO") {
      replies.push_back("250-sink.test");
      if (offer_auth_) replies.push_back("250-AUTH PLAIN LOGIN");
      if (offer_starttls_ && !tls) replies.push_back("250-STARTTLS");
      replies.push_back("250 8BITMIME");
    } else if (verb == "STARTTLS" && offer_starttls_ && !tls) {
      lock.unlock();
      WriteLine(stream, "220 2.0.0 ready to start TLS");
      return true;
    } else if (verb == "MAIL") {
      mail = ReceivedMail{};
      mail.mail_from = Argument(line);
      replies.push_back("250 2.1.0 ok");
    } else if (verb == "RCPT") {
      const std::string address = Argument(line);
      const bool reject = !reject_recipient_.empty() && address == "<" + reject_recipient_ + ">";
      if (!reject) mail.rcpt_to.push_back(address);
      replies.push_back(reject ? "550 5.1.1 no such user" : "250 2.1.5 ok");
    } else if (verb == "DATA") {
      const std::string reply = data_reply_;
      lock.unlock();
      WriteLine(stream, "354 end with <CRLF>.<CRLF>");
      for (std::string data_line = ReadLine(stream, buffer); data_line != ".";
           data_line = ReadLine(stream, buffer)) {
        if (!data_line.empty() && data_line[0] == '.') data_line.erase(0, 1);
        mail.data += data_line + "\r\n";
      }
      lock.lock();
      if (reply[0] == '2') mails_.push_back(mail);
      replies.push_back(reply);
    } else if (verb == "AUTH") {
      std::string credentials =
          line.substr(std::min(line.size(), std::string("AUTH PLAIN ").size()));
      if (line.find(' ', 5) == std::string::npos) {  // no initial response: ask for it
        lock.unlock();
        WriteLine(stream, "334 ");
        credentials = ReadLine(stream, buffer);
        lock.lock();
      }
      auth_responses_.push_back(credentials);
      replies.push_back("235 2.7.0 accepted");
    } else if (verb == "QUIT") {
      lock.unlock();
      WriteLine(stream, "221 bye");
      return false;
    } else if (verb == "RSET" || verb == "NOOP") {
      replies.push_back("250 ok");
    } else {
      replies.push_back("502 5.5.2 not implemented");
    }
    if (lock.owns_lock()) lock.unlock();
    for (const std::string& reply : replies) WriteLine(stream, reply);
  }
}

WebhookReceiver::WebhookReceiver() { Start(); }
WebhookReceiver::~WebhookReceiver() { Stop(); }

void WebhookReceiver::set_status(int status) {
  std::lock_guard<std::mutex> lock(mu_);
  status_ = status;
}

std::vector<ReceivedRequest> WebhookReceiver::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void WebhookReceiver::Serve(tcp::socket& socket) {
  namespace http = boost::beast::http;
  boost::beast::flat_buffer buffer;
  http::request<http::string_body> request;
  http::read(socket, buffer, request);
  int status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back({std::string(request.method_string()), std::string(request.target()),
                         std::string(request[http::field::content_type]), request.body()});
    status = status_;
  }
  http::response<http::string_body> response{static_cast<http::status>(status), request.version()};
  response.set(http::field::content_type, "text/plain");
  response.keep_alive(false);
  response.body() = status == 200 ? "ok" : "error";
  response.prepare_payload();
  http::write(socket, response);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace meetleak::testing
