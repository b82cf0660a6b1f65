// Loopback receivers for the notification tests, on Boost.Asio: an SMTP sink
// and a webhook (HTTP) receiver. Each listens on 127.0.0.1 at a free port,
// serves connections one at a time on its own thread, and records what it
// received. Replies are configurable so tests can make a send fail.
#ifndef MEETLEAK_TESTS_REPORT_LOOPBACK_MAIL_SERVERS_H_
#define MEETLEAK_TESTS_REPORT_LOOPBACK_MAIL_SERVERS_H_

// clang-format off
#include <utility>  // before Asio: Boost 1.74 + GCC 12 in C++20 need it
#include <boost/asio.hpp>
// clang-format on

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace meetleak::testing {

// Accept loop on its own thread; Serve() handles one connection at a time.
class LoopbackServer {
 public:
  LoopbackServer();
  virtual ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;
  unsigned short port() const { return port_; }

 protected:
  void Start();  // call from the derived constructor
  void Stop();   // call from the derived destructor
  virtual void Serve(boost::asio::ip::tcp::socket& socket) = 0;

 private:
  void Accept();
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread thread_;
};

// A self-signed certificate for 127.0.0.1, made once per process with the
// openssl command; pass `cert` as ca_bundle.
struct TestCertificate {
  std::string cert, key;
};
const TestCertificate& MailTestCertificate();

struct ReceivedMail {
  std::string mail_from;             // the MAIL FROM argument
  std::vector<std::string> rcpt_to;  // RCPT TO arguments
  std::string data;                  // the message, dot-unstuffed, CRLF line ends
};

class SmtpSink : public LoopbackServer {
 public:
  SmtpSink();
  ~SmtpSink() override;
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port()); }

  // The reply to the end of DATA, e.g. "554 5.7.1 rejected" to fail sends.
  void set_data_reply(std::string reply);
  // Answer RCPT TO for this address with 550 (its mail is not accepted).
  void set_reject_recipient(std::string address);
  // Offer AUTH PLAIN in the EHLO answer.
  void set_offer_auth(bool offer);
  // Offer STARTTLS (certificate: MailTestCertificate()); commands received
  // over TLS are recorded with a "[tls] " prefix.
  void set_offer_starttls(bool offer);

  std::vector<ReceivedMail> mails() const;
  // Every command line the sink received (to check that no AUTH was sent).
  std::vector<std::string> commands() const;
  // The base64 AUTH PLAIN responses (authzid NUL user NUL password).
  std::vector<std::string> auth_responses() const;

 protected:
  void Serve(boost::asio::ip::tcp::socket& socket) override;

 private:
  // The command loop; true when the client asked for STARTTLS.
  template <typename Stream>
  bool Converse(Stream& stream, std::string& buffer, bool tls);

  mutable std::mutex mu_;
  std::string data_reply_ = "250 2.0.0 queued";
  bool offer_auth_ = false;
  bool offer_starttls_ = false;
  std::string reject_recipient_;
  std::vector<ReceivedMail> mails_;
  std::vector<std::string> commands_;
  std::vector<std::string> auth_responses_;
};

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::string content_type;
  std::string body;
};

class WebhookReceiver : public LoopbackServer {
 public:
  WebhookReceiver();
  ~WebhookReceiver() override;
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port()) + "/hooks/T000/B000/secretkey";
  }
  void set_status(int status);  // the answer to every request (default 200)
  std::vector<ReceivedRequest> requests() const;

 protected:
  void Serve(boost::asio::ip::tcp::socket& socket) override;

 private:
  mutable std::mutex mu_;
  int status_ = 200;
  std::vector<ReceivedRequest> requests_;
};

}  // namespace meetleak::testing

#endif  // MEETLEAK_TESTS_REPORT_LOOPBACK_MAIL_SERVERS_H_
