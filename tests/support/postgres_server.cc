#include "tests/support/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <system_error>
#include <vector>

#include "tests/support/temp_dir.h"

namespace meetleak::testing {

namespace {

const char* const kBin = "/usr/lib/postgresql/15/bin/";

// A port nothing listens on now (the kernel's pick for a socket bound to 0).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

// Runs a PostgreSQL tool as the postgres user; its output on failure.
Status AsPostgres(const std::vector<std::string>& args, std::string* out = nullptr) {
  std::vector<std::string> argv = {"/usr/sbin/runuser", "-u", "postgres", "--"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProgramResult r = RunProgram(argv, "", "/tmp");
  if (out != nullptr) *out = r.out;
  if (r.exit_code == 0) return Status::OK();
  std::string cmd;
  for (const std::string& a : args) cmd += (cmd.empty() ? "" : " ") + a;
  return Status::Unavailable(cmd + " failed (exit " + std::to_string(r.exit_code) + "): " + r.err +
                             r.out);
}

// A cluster made by initdb once per machine (it takes seconds; a copy takes
// a tenth of that), kept in /tmp and copied by every server. initdb runs in
// a temporary directory renamed into place when done, under a lock, so a
// killed initdb never leaves a half-made template behind.
Result<std::string> TemplateCluster(const passwd& pw) {
  const std::filesystem::path root = "/tmp/meetleak-pg15-template";
  const std::string data = (root / "data").string();
  const int lock = open("/tmp/meetleak-pg15-template.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0) return Status::IOError("cannot open /tmp/meetleak-pg15-template.lock");
  flock(lock, LOCK_EX);
  Status made = Status::OK();
  if (access((root / "data" / "PG_VERSION").c_str(), R_OK) != 0) {
    char tmpl[] = "/tmp/meetleak-pg15-initdb.XXXXXX";
    if (mkdtemp(tmpl) == nullptr || chown(tmpl, pw.pw_uid, pw.pw_gid) != 0) {
      made = Status::IOError("cannot make a directory for initdb");
    } else {
      const std::string fresh = std::string(tmpl) + "/data";
      made = AsPostgres({std::string(kBin) + "initdb", "-D", fresh, "-U", "postgres",
                         "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"});
      std::error_code ec;
      if (made.ok()) {
        std::filesystem::remove_all(root, ec);
        std::filesystem::rename(tmpl, root, ec);
        if (ec) made = Status::IOError("rename " + std::string(tmpl) + ": " + ec.message());
      }
      std::filesystem::remove_all(tmpl, ec);
    }
  }
  flock(lock, LOCK_UN);
  close(lock);
  if (!made.ok()) return made;
  return data;
}

}  // namespace

Result<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  if (access((std::string(kBin) + "initdb").c_str(), X_OK) != 0)
    return Status::Unavailable(std::string(kBin) +
                               "initdb not found: run scripts/setup-deps (postgresql)");
  const passwd* pw = getpwnam("postgres");
  if (pw == nullptr) return Status::Unavailable("no postgres user: run scripts/setup-deps");
  auto server = std::unique_ptr<PostgresServer>(new PostgresServer());
  char tmpl[] = "/tmp/meetleak-pg.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Status::IOError("mkdtemp failed");
  server->dir_ = tmpl;
  if (chown(tmpl, pw->pw_uid, pw->pw_gid) != 0)
    return Status::IOError(std::string("chown ") + tmpl + " failed");
  const std::string data = (server->dir_ / "data").string();
  Result<std::string> initialized = TemplateCluster(*pw);
  if (!initialized.ok()) return initialized.status();
  ProgramResult copy = RunProgram({"/bin/cp", "-a", *initialized, data});
  if (copy.exit_code != 0) return Status::IOError("cp -a " + *initialized + ": " + copy.err);
  // A free port may be taken between the pick and the bind: try a few.
  Status started = Status::Unavailable("no free port");
  for (int attempt = 0; attempt < 5 && !started.ok(); ++attempt) {
    server->port_ = FreePort();
    const std::string options =
        "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(server->port_) +
        " -c unix_socket_directories=" + server->dir_.string() +
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        " -c max_connections=200";
    started = AsPostgres({std::string(kBin) + "pg_ctl", "-D", data, "-l",
                          (server->dir_ / "server.log").string(), "-o", options, "-w", "-t", "60",
                          "start"});
  }
  if (!started.ok()) {
    return Status::Unavailable(started.message() + "\n" + ReadFile(server->dir_ / "server.log"));
  }
  server->running_ = true;
  return server;
}

PostgresServer* PostgresServer::Shared(std::string* error) {
  static std::once_flag once;
  static std::unique_ptr<PostgresServer> shared;
  static std::string failure;
  std::call_once(once, [] {
    Result<std::unique_ptr<PostgresServer>> s = Start();
    if (s.ok()) {
      shared = std::move(*s);
      // Stopped at exit, also when a test failed (an ASSERT returns, it
      // does not exit); a crash leaves it to the OS and /tmp.
      std::atexit([] { shared.reset(); });
    } else {
      failure = s.status().message();
    }
  });
  if (shared == nullptr && error != nullptr) *error = failure;
  return shared.get();
}

PostgresServer::~PostgresServer() {
  if (running_)
    (void)AsPostgres({std::string(kBin) + "pg_ctl", "-D", (dir_ / "data").string(), "-m",
                      "immediate", "-w", "stop"});
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string PostgresServer::Conninfo(const std::string& dbname) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + dbname +
         " sslmode=disable connect_timeout=10";
}

std::string PostgresServer::Url(const std::string& dbname) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + dbname +
         "?sslmode=disable";
}

Result<std::string> PostgresServer::NewDatabase() {
  const std::string name =
      "t" + std::to_string(static_cast<int>(getpid())) + "_" + std::to_string(++databases_);
  MEETLEAK_RETURN_IF_ERROR(Psql("postgres", "CREATE DATABASE " + name).status());
  return name;
}

Result<std::string> PostgresServer::Psql(const std::string& dbname, const std::string& sql) const {
  std::string out;
  MEETLEAK_RETURN_IF_ERROR(
      AsPostgres({std::string(kBin) + "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h",
                  "127.0.0.1", "-p", std::to_string(port_), "-d", dbname, "-c", sql},
                 &out));
  return out;
}

}  // namespace meetleak::testing
