#include "tests/support/test_server.h"

// clang-format off
#include "base/asio.h"  // first: Beast includes Asio (see base/asio.h)
// clang-format on

#include <atomic>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/zlib/deflate_stream.hpp>
#include <boost/crc.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "tests/support/temp_dir.h"

namespace meetleak::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct CertFiles {
  std::string cert, key;
};

// Made once per process; the folder lives until exit.
const CertFiles& Certificates() {
  static const CertFiles files = [] {
    static TempDir dir;
    CertFiles f{(dir.path() / "cert.pem").string(), (dir.path() / "key.pem").string()};
    ProgramResult r =
        RunProgram({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", f.key, "-out", f.cert,
                    "-days", "2", "-subj", "/CN=meetleak test server", "-addext",
                    "subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost"});
    if (r.exit_code != 0) throw std::runtime_error("openssl req failed: " + r.err);
    return f;
  }();
  return files;
}

std::string ReasonLine(int status) {
  std::string reason(http::obsolete_reason(static_cast<http::status>(status)));
  if (reason.empty() || reason == "<unknown-status>") reason = "Status";
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
}

}  // namespace

std::string GzipForTest(std::string_view data) {
  beast::zlib::deflate_stream deflater;
  deflater.reset(6, 15, 8, beast::zlib::Strategy::normal);
  std::string out = {'\x1f', '\x8b', '\x08', '\0', '\0', '\0', '\0', '\0', '\0', '\x03'};
  beast::zlib::z_params zs;
  zs.next_in = data.data();
  zs.avail_in = data.size();
  std::string chunk(1 << 16, '\0');
  for (;;) {
    zs.next_out = chunk.data();
    zs.avail_out = chunk.size();
    beast::error_code ec;
    deflater.write(zs, beast::zlib::Flush::finish, ec);
    out.append(chunk.data(), chunk.size() - zs.avail_out);
    if (ec == beast::zlib::error::end_of_stream) break;
    if (ec && ec != beast::zlib::error::need_buffers) throw std::runtime_error("deflate failed");
    if (zs.avail_in == 0 && zs.avail_out != 0) break;
  }
  boost::crc_32_type crc;
  crc.process_bytes(data.data(), data.size());
  std::uint32_t values[2] = {crc.checksum(), static_cast<std::uint32_t>(data.size())};
  for (std::uint32_t v : values) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  return out;
}

std::string RecordedRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

struct TestServer::Impl {
  Options options;
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{io};
  std::thread thread;

  mutable std::mutex mu;
  std::map<std::string, Handler> routes;
  Handler fallback;  // RouteAll: for paths no route names
  std::set<std::string> released;
  bool stopping = false;
  std::vector<RecordedRequest> requests;
  int in_flight = 0, max_in_flight = 0, connections = 0;

  Handler FindRoute(const std::string& target) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = routes.find(target);
    if (it == routes.end()) it = routes.find(target.substr(0, target.find('?')));
    if (it == routes.end()) return fallback;
    return it->second;
  }

  bool IsReleased(const std::string& hold) {
    std::lock_guard<std::mutex> lock(mu);
    return stopping || released.count(hold) > 0;
  }

  RecordedRequest Record(const http::request<http::string_body>& req, int connection) {
    RecordedRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.body = req.body();
    for (const auto& field : req) {
      auto name = field.name_string();
      auto value = field.value();
      r.headers.emplace_back(Lower(std::string_view(name.data(), name.size())),
                             std::string(value.data(), value.size()));
    }
    r.arrival = std::chrono::steady_clock::now();
    r.connection = connection;
    std::lock_guard<std::mutex> lock(mu);
    r.in_flight = ++in_flight;
    max_in_flight = std::max(max_in_flight, in_flight);
    requests.push_back(r);
    return r;
  }

  void Done() {
    std::lock_guard<std::mutex> lock(mu);
    --in_flight;
  }

  asio::awaitable<void> Sleep(milliseconds d) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(d);
    co_await timer.async_wait(asio::use_awaitable);
  }

  // Answers one request; false when the connection must close.
  template <typename Stream>
  asio::awaitable<bool> Answer(Stream& stream, const RecordedRequest& rec, bool keep_alive) {
    Handler handler = FindRoute(rec.target);
    Reply reply = handler ? handler(rec) : Reply{.status = 404, .body = "not found\n"};
    if (!reply.hold.empty()) {
      while (!IsReleased(reply.hold)) co_await Sleep(milliseconds(5));
    }
    if (reply.delay.count() > 0) co_await Sleep(reply.delay);
    std::string body = reply.gzip ? GzipForTest(reply.body) : reply.body;
    std::string head = ReasonLine(reply.status);
    for (const auto& [name, value] : reply.headers) head += name + ": " + value + "\r\n";
    if (reply.gzip) head += "Content-Encoding: gzip\r\n";
    head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    bool close = !keep_alive || reply.close_mid_body;
    head += close ? "Connection: close\r\n\r\n" : "\r\n";
    co_await asio::async_write(stream, asio::buffer(head), asio::use_awaitable);
    std::size_t limit = reply.close_mid_body ? body.size() / 2 : body.size();
    std::size_t step = reply.drip_bytes > 0 ? reply.drip_bytes : limit;
    for (std::size_t sent = 0; sent < limit; sent += step) {
      if (sent > 0 && reply.drip_every.count() > 0) co_await Sleep(reply.drip_every);
      std::size_t n = std::min(step, limit - sent);
      co_await asio::async_write(stream, asio::buffer(body.data() + sent, n), asio::use_awaitable);
    }
    co_return !close;
  }

  template <typename Stream>
  asio::awaitable<void> Serve(Stream& stream, int connection) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      boost::system::error_code ec;
      co_await http::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      RecordedRequest rec = Record(req, connection);
      bool keep = false;
      try {
        keep = co_await Answer(stream, rec, req.keep_alive());
      } catch (const std::exception&) {
        keep = false;
      }
      Done();
      if (!keep) co_return;
    }
  }

  asio::awaitable<void> Session(tcp::socket socket, int connection) {
    try {
      if (!options.tls) {
        co_await Serve(socket, connection);
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
      }
      beast::ssl_stream<tcp::socket> stream(std::move(socket), tls);
      co_await stream.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
      co_await Serve(stream, connection);
      boost::system::error_code ignored;
      beast::get_lowest_layer(stream).shutdown(tcp::socket::shutdown_send, ignored);
    } catch (const std::exception&) {
      // A client that went away or refused our certificate: nothing to do.
    }
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        continue;
      }
      if (options.no_delay) socket.set_option(tcp::no_delay(true), ec);
      int connection;
      {
        std::lock_guard<std::mutex> lock(mu);
        connection = ++connections;
      }
      asio::co_spawn(io, Session(std::move(socket), connection), asio::detached);
    }
  }
};

TestServer::TestServer() : TestServer(Options{}) {}

TestServer::TestServer(Options options) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.options = std::move(options);
  if (s.options.tls) {
    const CertFiles& files = Certificates();
    s.tls.use_certificate_chain_file(files.cert);
    s.tls.use_private_key_file(files.key, asio::ssl::context::pem);
  }
  tcp::endpoint endpoint(asio::ip::make_address(s.options.address), s.options.port);
  s.acceptor.open(endpoint.protocol());
  s.acceptor.set_option(tcp::acceptor::reuse_address(true));
  s.acceptor.bind(endpoint);
  s.acceptor.listen(4096);
  asio::co_spawn(s.io, s.Accept(), asio::detached);
  s.thread = std::thread([&s] { s.io.run(); });
}

TestServer::~TestServer() {
  Impl& s = *impl_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.stopping = true;
  }
  asio::post(s.io, [&s] {
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
  });
  // Give held and in-progress answers a moment to finish, then stop.
  std::this_thread::sleep_for(milliseconds(20));
  s.io.stop();
  s.thread.join();
}

std::uint16_t TestServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string TestServer::Url(std::string_view target) const {
  return std::string(impl_->options.tls ? "https://" : "http://") + impl_->options.address + ":" +
         std::to_string(port()) + std::string(target);
}

void TestServer::Route(const std::string& path, Reply reply) {
  Route(path, [reply = std::move(reply)](const RecordedRequest&) { return reply; });
}

void TestServer::Route(const std::string& path, Handler handler) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->routes[path] = std::move(handler);
}

void TestServer::RouteAll(Handler handler) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->fallback = std::move(handler);
}

void TestServer::Release(const std::string& hold) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->released.insert(hold);
}

std::vector<RecordedRequest> TestServer::Requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->requests;
}

std::vector<RecordedRequest> TestServer::RequestsFor(std::string_view path) const {
  std::vector<RecordedRequest> out;
  for (RecordedRequest& r : Requests()) {
    if (r.target.substr(0, r.target.find('?')) == path) out.push_back(std::move(r));
  }
  return out;
}

int TestServer::max_in_flight() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->max_in_flight;
}

int TestServer::connections() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->connections;
}

std::string TestServer::CertificatePath() { return Certificates().cert; }

}  // namespace meetleak::testing
