#include "tests/report/loopback_mail_servers.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>

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

std::string ReadLine(tcp::socket& socket, std::string& buffer) {
  const std::size_t n = asio::read_until(socket, asio::dynamic_buffer(buffer), "\r\n");
  std::string line = buffer.substr(0, n - 2);
  buffer.erase(0, n);
  return line;
}

void WriteLine(tcp::socket& socket, const std::string& text) {
  asio::write(socket, asio::buffer(text + "\r\n"));
}

std::string Verb(const std::string& line) {
  std::string verb = line.substr(0, line.find_first_of(" :"));
  for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return verb;
}

std::string Argument(const std::string& line) {
  const auto colon = line.find(':');
  return colon == std::string::npos ? "" : line.substr(colon + 1);
}

}  // namespace

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

std::vector<ReceivedMail> SmtpSink::mails() const {
  std::lock_guard<std::mutex> lock(mu_);
  return mails_;
}

std::vector<std::string> SmtpSink::commands() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commands_;
}

void SmtpSink::Serve(tcp::socket& socket) {
  std::string buffer;
  ReceivedMail mail;
  WriteLine(socket, "220 sink.test ESMTP");
  for (;;) {
    const std::string line = ReadLine(socket, buffer);
    std::unique_lock<std::mutex> lock(mu_);
    commands_.push_back(line);
    const std::string verb = Verb(line);
    if (verb == "EHLO" || verb == "HELO") {
      const bool auth = offer_auth_;
      lock.unlock();
      WriteLine(socket, "250-sink.test");
      if (auth) WriteLine(socket, "250-AUTH PLAIN LOGIN");
      WriteLine(socket, "250 8BITMIME");
    } else if (verb == "MAIL") {
      mail = ReceivedMail{};
      mail.mail_from = Argument(line);
      lock.unlock();
      WriteLine(socket, "250 2.1.0 ok");
    } else if (verb == "RCPT") {
      const std::string address = Argument(line);
      const bool reject = !reject_recipient_.empty() && address == "<" + reject_recipient_ + ">";
      if (!reject) mail.rcpt_to.push_back(address);
      lock.unlock();
      WriteLine(socket, reject ? "550 5.1.1 no such user" : "250 2.1.5 ok");
    } else if (verb == "DATA") {
      const std::string reply = data_reply_;
      lock.unlock();
      WriteLine(socket, "354 end with <CRLF>.<CRLF>");
      for (std::string data_line = ReadLine(socket, buffer); data_line != ".";
           data_line = ReadLine(socket, buffer)) {
        if (!data_line.empty() && data_line[0] == '.') data_line.erase(0, 1);
        mail.data += data_line + "\r\n";
      }
      if (reply[0] == '2') {
        std::lock_guard<std::mutex> relock(mu_);
        mails_.push_back(mail);
      }
      WriteLine(socket, reply);
    } else if (verb == "AUTH") {
      lock.unlock();
      WriteLine(socket, "235 2.7.0 accepted");
    } else if (verb == "QUIT") {
      lock.unlock();
      WriteLine(socket, "221 bye");
      return;
    } else if (verb == "RSET" || verb == "NOOP") {
      lock.unlock();
      WriteLine(socket, "250 ok");
    } else {
      lock.unlock();
      WriteLine(socket, "502 5.5.2 not implemented");
    }
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
