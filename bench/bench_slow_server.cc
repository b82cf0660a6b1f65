// bench_slow_server: the loopback web server of scripts/bench-workers. It
// answers every page request after a fixed delay, on one port of many
// loopback addresses (each a host of its own for the crawler's per-host
// limits), and logs each request it answered.
//
//   bench_slow_server --hosts H [--delay-ms D] [--port P] --log FILE
//
// Listens on 127.0.0.1 … 127.0.0.H, all on port P (0: a free one, the same
// on every address), and prints `port P` once it listens. Every path
// answers 200 with a small HTML page after D ms (default 50); /robots.txt
// answers 404 at once (a crawler's bookkeeping, not a page being measured).
// Each answered page adds one line to FILE, written when the server stops
// (SIGTERM or SIGINT): `<host> <path> <arrival µs> <answer µs>` (steady
// clock, from the start). Connections are kept alive; one thread serves
// them all (the delay is a timer, not a sleep).

// clang-format off
#include "base/asio.h"  // first: Beast includes Asio (see base/asio.h)
// clang-format on

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  int hosts = 64;
  int delay_ms = 50;
  unsigned short port = 0;
  std::string log;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_slow_server: %s\n", what.c_str());
  std::exit(1);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (++i == argc) Die(flag + " needs a value");
    if (flag == "--hosts")
      o.hosts = std::atoi(argv[i]);
    else if (flag == "--delay-ms")
      o.delay_ms = std::atoi(argv[i]);
    else if (flag == "--port")
      o.port = static_cast<unsigned short>(std::atoi(argv[i]));
    else if (flag == "--log")
      o.log = argv[i];
    else
      Die("unknown flag " + flag);
  }
  if (o.hosts < 1 || o.hosts > 250 || o.delay_ms < 0 || o.log.empty())
    Die("usage: --hosts 1..250 [--delay-ms D] [--port P] --log FILE");
  return o;
}

struct Answered {
  std::string host, path;
  long long arrival_us, answer_us;
};

class Server {
 public:
  Server(asio::io_context& io, const Options& o) : io_(io), options_(o), start_(Clock::now()) {}

  // Listens on every address; the port chosen on the first is used on all.
  void Listen() {
    unsigned short port = options_.port;
    for (int h = 1; h <= options_.hosts; ++h) {
      const auto address = asio::ip::make_address_v4("127.0.0." + std::to_string(h));
      auto acceptor = std::make_unique<tcp::acceptor>(io_);
      tcp::endpoint endpoint(address, port);
      acceptor->open(endpoint.protocol());
      acceptor->set_option(tcp::acceptor::reuse_address(true));
      beast::error_code ec;
      acceptor->bind(endpoint, ec);
      if (ec) Die("cannot listen on " + address.to_string() + ":" + std::to_string(port));
      acceptor->listen(asio::socket_base::max_listen_connections);
      port = acceptor->local_endpoint().port();
      Accept(*acceptor);
      acceptors_.push_back(std::move(acceptor));
    }
    std::printf("port %u\n", port);
    std::fflush(stdout);
  }

  void WriteLog() const {
    std::ofstream out(options_.log);
    for (const Answered& a : answered_)
      out << a.host << ' ' << a.path << ' ' << a.arrival_us << ' ' << a.answer_us << '\n';
    if (!out) Die("cannot write " + options_.log);
  }

 private:
  struct Session {
    explicit Session(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
    tcp::socket socket;
    asio::steady_timer timer;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
    std::string host;
    long long arrival_us = 0;
  };

  long long Micros() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_).count();
  }

  void Accept(tcp::acceptor& acceptor) {
    acceptor.async_accept([this, &acceptor](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      auto session = std::make_shared<Session>(std::move(socket));
      session->host = session->socket.local_endpoint().address().to_string();
      Read(session);
      Accept(acceptor);
    });
  }

  void Read(const std::shared_ptr<Session>& s) {
    s->request = {};
    http::async_read(
        s->socket, s->buffer, s->request, [this, s](beast::error_code ec, std::size_t) {
          if (ec) return;  // closed by the client
          s->arrival_us = Micros();
          const std::string path(s->request.target());
          const bool page = path != "/robots.txt";
          s->response = {};
          s->response.version(s->request.version());
          s->response.keep_alive(s->request.keep_alive());
          if (page) {
            s->response.result(http::status::ok);
            s->response.set(http::field::content_type, "text/html; charset=utf-8");
            s->response.body() = "<!doctype html><html><head><title>" + path +
                                 "</title></head><body><p>Meeting notes for " + path +
                                 ", nothing to see.</p></body></html>\n";
          } else {
            s->response.result(http::status::not_found);
          }
          s->response.prepare_payload();
          s->timer.expires_after(std::chrono::milliseconds(page ? options_.delay_ms : 0));
          s->timer.async_wait([this, s, page, path](beast::error_code) {
            if (page) answered_.push_back({s->host, path, s->arrival_us, Micros()});
            http::async_write(s->socket, s->response, [this, s](beast::error_code ec, std::size_t) {
              if (ec || !s->response.keep_alive()) return;
              Read(s);
            });
          });
        });
  }

  asio::io_context& io_;
  Options options_;
  Clock::time_point start_;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
  std::vector<Answered> answered_;
};

}  // namespace

int main(int argc, char** argv) {
  const Options options = Parse(argc, argv);
  asio::io_context io;
  Server server(io, options);
  server.Listen();
  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&io](beast::error_code, int) { io.stop(); });
  io.run();
  server.WriteLog();
  return 0;
}
