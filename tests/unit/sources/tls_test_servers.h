#pragma once
// Live peers for the hello_attempt and suite_scanner tests, all on 127.0.0.1
// with ephemeral ports: openssl s_server and gnutls-serv as child processes
// (stopped by pid in the destructor), a listener that accepts and stays
// silent, and one that answers with garbage.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sources/socket.h"
#include "support/cert_factory.h"
#include "wire/tls_stream.h"

extern char** environ;

namespace tc::sources::testing {

using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/tc_scan_XXXXXX";
    if (mkdtemp(pattern) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// An RSA-2048 server certificate (self-signed) and key as dir/cert.pem, dir/key.pem:
// RSA so that static-RSA suites such as AES256-SHA256 can be chosen.
inline bool write_server_credentials(const std::string& dir) {
  using namespace tc::testing;
  CertSpec spec = leaf_spec("sbc.example.com", utc(2025, 1, 1), utc(2045, 1, 1));
  spec.key_type = KeyType::rsa2048;
  Issued leaf = issue(spec);
  return leaf && write_file(dir + "/cert.pem", to_pem(leaf.cert.get())) &&
         write_file(dir + "/key.pem", key_to_pem(leaf.key.get()), 0600);
}

inline bool have_program(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

// A child process with stdin on a pipe that stays open (s_server quits on
// EOF there) and stdout+stderr in a log file. Stopped by its pid only.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { stop(); }

  bool start(const std::vector<std::string>& argv, const std::string& log_path) {
    stop();
    log_path_ = log_path;
    int stdin_pipe[2];
    if (pipe2(stdin_pipe, O_CLOEXEC) != 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, stdin_pipe[0], 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    const int status = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(stdin_pipe[0]);
    if (status != 0) {
      ::close(stdin_pipe[1]);
      pid_ = -1;
      return false;
    }
    stdin_write_ = stdin_pipe[1];
    return true;
  }

  [[nodiscard]] bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }

  // SIGTERM, then SIGKILL after a second; always reaped.
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      bool reaped = false;
      for (int i = 0; i < 100 && !reaped; ++i) {
        reaped = waitpid(pid_, &status, WNOHANG) == pid_;
        if (!reaped) std::this_thread::sleep_for(10ms);
      }
      if (!reaped) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
      pid_ = -1;
    }
    if (stdin_write_ >= 0) ::close(stdin_write_);
    stdin_write_ = -1;
  }

  // Waits until the log matches `pattern` (returns the first group) or the process exits.
  std::optional<std::string> wait_for_log(const std::regex& pattern, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch match;
      const std::string text = log();
      if (std::regex_search(text, match, pattern)) return match.size() > 1 ? match[1].str() : match[0].str();
      if (!running()) return std::nullopt;
      std::this_thread::sleep_for(20ms);
    }
    return std::nullopt;
  }

  [[nodiscard]] std::string log() const { return read_text(log_path_); }
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdin_write_ = -1;
  std::string log_path_;
};

inline SocketAddress loopback(uint16_t port) { return *parse_ip_literal("127.0.0.1", port); }

// openssl s_server on 127.0.0.1, port chosen by the kernel (`-accept 127.0.0.1:0`
// prints "ACCEPT 127.0.0.1:PORT"). Returns the port, or 0 on failure.
inline uint16_t start_openssl_server(ChildProcess& process, const std::string& dir,
                                     const std::vector<std::string>& options) {
  std::vector<std::string> argv = {"openssl", "s_server",        "-accept", "127.0.0.1:0",
                                   "-cert",   dir + "/cert.pem", "-key",    dir + "/key.pem"};
  argv.insert(argv.end(), options.begin(), options.end());
  if (!process.start(argv, dir + "/s_server.log")) return 0;
  auto port = process.wait_for_log(std::regex(R"(ACCEPT 127\.0\.0\.1:(\d+))"), 10s);
  return port ? static_cast<uint16_t>(std::stoi(*port)) : 0;
}

// A port free right now (bound to 127.0.0.1:0, then released).
inline uint16_t free_port() {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  SocketAddress address = loopback(0);
  if (::bind(fd.get(), address.get(), address.length) != 0) return 0;
  auto bound = local_address(fd.get());
  return bound ? bound->port() : 0;
}

// gnutls-serv cannot report a kernel-chosen port, so a free one is picked
// first; if another process takes it meanwhile, gnutls-serv fails to bind and
// another port is tried.
inline uint16_t start_gnutls_server(ChildProcess& process, const std::string& dir,
                                    const std::vector<std::string>& options) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    const uint16_t port = free_port();
    std::vector<std::string> argv = {
        "gnutls-serv",   "-p", std::to_string(port), "--x509certfile", dir + "/cert.pem", "--x509keyfile",
        dir + "/key.pem"};
    argv.insert(argv.end(), options.begin(), options.end());
    if (!process.start(argv, dir + "/gnutls-serv.log")) return 0;
    const std::regex ready("listening on IPv4 [0-9.]+ port " + std::to_string(port) +
                           R"(\.\.\.(done|failed))");
    auto state = process.wait_for_log(ready, 10s);
    if (state == "done") return port;
    process.stop();
  }
  return 0;
}

// Accepts connections (the kernel does, via the backlog) and never reads or writes.
class SilentListener {
 public:
  SilentListener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    SocketAddress address = loopback(0);
    if (::bind(fd_.get(), address.get(), address.length) == 0 && ::listen(fd_.get(), 64) == 0) {
      if (auto bound = local_address(fd_.get())) port_ = bound->port();
    }
  }
  [[nodiscard]] uint16_t port() const { return port_; }

 private:
  Fd fd_;
  uint16_t port_ = 0;
};

// Answers every connection with `reply` and closes it.
class ReplyServer {
 public:
  explicit ReplyServer(std::string reply)
      : reply_(std::move(reply)), fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    SocketAddress address = loopback(0);
    if (::bind(fd_.get(), address.get(), address.length) != 0 || ::listen(fd_.get(), 64) != 0) return;
    if (auto bound = local_address(fd_.get())) port_ = bound->port();
    thread_ = std::jthread([this](std::stop_token stop) { serve(stop); });
  }
  [[nodiscard]] uint16_t port() const { return port_; }

 private:
  void serve(const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      pollfd entry{fd_.get(), POLLIN, 0};
      if (::poll(&entry, 1, 50) <= 0) continue;
      Fd client(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!client.valid()) continue;
      // Read the ClientHello first: closing with unread data would send a
      // reset, which may discard the reply on the client's side.
      pollfd readable{client.get(), POLLIN, 0};
      char buffer[4096];
      if (::poll(&readable, 1, 500) > 0) (void)::recv(client.get(), buffer, sizeof buffer, MSG_DONTWAIT);
      (void)::send(client.get(), reply_.data(), reply_.size(), MSG_NOSIGNAL);
      ::shutdown(client.get(), SHUT_WR);
    }
  }

  std::string reply_;
  Fd fd_;
  uint16_t port_ = 0;
  std::jthread thread_;  // declared last: joined before the socket closes
};

// A scripted TLS 1.2 server without any TLS library: it reads each
// ClientHello with the project's parser and answers with a bare ServerHello
// choosing the client's first suite that is in `accepted` (client preference),
// else a handshake_failure alert. After `answer_limit` connections it accepts
// and stays silent, like an endpoint that stops answering mid-scan.
class ScriptedTlsServer {
 public:
  ScriptedTlsServer(std::vector<uint16_t> accepted, size_t answer_limit)
      : accepted_(std::move(accepted)),
        answer_limit_(answer_limit),
        fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    SocketAddress address = loopback(0);
    if (::bind(fd_.get(), address.get(), address.length) != 0 || ::listen(fd_.get(), 64) != 0) return;
    if (auto bound = local_address(fd_.get())) port_ = bound->port();
    thread_ = std::jthread([this](std::stop_token stop) { serve(stop); });
  }
  [[nodiscard]] uint16_t port() const { return port_; }
  [[nodiscard]] size_t connections() const { return connections_; }

 private:
  void serve(const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      pollfd entry{fd_.get(), POLLIN, 0};
      if (::poll(&entry, 1, 50) <= 0) continue;
      Fd client(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!client.valid()) continue;
      if (connections_++ >= answer_limit_) {
        held_.push_back(std::move(client));  // silent: neither answer nor close
        continue;
      }
      const std::vector<uint16_t> offer = read_offer(client.get());
      auto chosen = std::find_first_of(offer.begin(), offer.end(), accepted_.begin(), accepted_.end());
      const std::vector<uint8_t> reply = chosen == offer.end() ? alert(40) : server_hello(*chosen);
      (void)::send(client.get(), reply.data(), reply.size(), MSG_NOSIGNAL);
      ::shutdown(client.get(), SHUT_WR);
    }
  }

  static std::vector<uint16_t> read_offer(int fd) {
    tc::wire::TlsStream stream;
    char buffer[4096];
    for (int i = 0; i < 20 && stream.connection().messages.empty(); ++i) {
      pollfd readable{fd, POLLIN, 0};
      if (::poll(&readable, 1, 50) <= 0) continue;
      const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      stream.feed(Side::client, std::span(reinterpret_cast<const uint8_t*>(buffer), static_cast<size_t>(got)),
                  1);
    }
    return stream.connection().client_offer;
  }

  static std::vector<uint8_t> record(uint8_t type, const std::vector<uint8_t>& body) {
    // Sized once and filled in place: GCC 12 at -O3 reports a false
    // -Warray-bounds on inserting into a 5-byte initializer-list vector.
    std::vector<uint8_t> out(5 + body.size());
    out[0] = type;
    out[1] = 3;
    out[2] = 3;
    out[3] = static_cast<uint8_t>(body.size() >> 8);
    out[4] = static_cast<uint8_t>(body.size());
    std::copy(body.begin(), body.end(), out.begin() + 5);
    return out;
  }
  static std::vector<uint8_t> alert(uint8_t description) { return record(21, {2, description}); }
  // Handshake{server_hello, ServerHello{0x0303, random, empty session id, suite, null compression}}
  static std::vector<uint8_t> server_hello(uint16_t suite) {
    std::vector<uint8_t> body = {3, 3};
    body.insert(body.end(), 32, 0x42);
    body.insert(body.end(), {0, static_cast<uint8_t>(suite >> 8), static_cast<uint8_t>(suite), 0});
    std::vector<uint8_t> message = {2, 0, 0, static_cast<uint8_t>(body.size())};
    message.insert(message.end(), body.begin(), body.end());
    return record(22, message);
  }

  std::vector<uint16_t> accepted_;
  size_t answer_limit_;
  std::atomic<size_t> connections_{0};
  Fd fd_;
  uint16_t port_ = 0;
  std::vector<Fd> held_;
  std::jthread thread_;  // declared last: joined before the sockets close
};

}  // namespace tc::sources::testing
