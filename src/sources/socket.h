#pragma once
// TCP sockets for the probe and the listener: name resolution, connect and
// I/O bounded by a deadline, and "addr:port" text the way Connection names
// peers. Every call that can fail returns nullopt/false and puts the reason
// in `error` (one error channel); nothing here blocks past its deadline.
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tc::sources {

using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;

inline Deadline deadline_after(std::chrono::milliseconds timeout) { return SteadyClock::now() + timeout; }

// An owned file descriptor (closed on destruction).
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  [[nodiscard]] int family() const { return storage.ss_family; }
  [[nodiscard]] const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  // "192.0.2.1" or "2001:db8::1" (no port, no brackets).
  [[nodiscard]] std::string host_text() const;
  [[nodiscard]] uint16_t port() const;
  // "192.0.2.1:5061" or "[2001:db8::1]:5061", as Connection::client/server.
  [[nodiscard]] std::string text() const;
};

// An IPv4 or IPv6 literal (brackets allowed) with the given port, or nullopt.
std::optional<SocketAddress> parse_ip_literal(std::string_view host, uint16_t port);
// True when `host` is an IPv4 or IPv6 literal.
bool is_ip_literal(std::string_view host);

// A and AAAA records of `host` (a literal resolves to itself), IPv4 first,
// duplicates removed. Empty with `error` set when nothing resolves.
std::vector<SocketAddress> resolve(const std::string& host, uint16_t port, std::string& error);

// "HOST[:PORT]" / "[V6]:PORT" / "V6" → host and port (default when absent).
struct HostPort {
  std::string host;
  uint16_t port = 0;
};
std::optional<HostPort> parse_host_port(std::string_view text, uint16_t default_port, std::string& error);

// Non-blocking TCP connect finished within the deadline. The returned socket
// stays non-blocking; use the I/O helpers below.
std::optional<Fd> connect_tcp(const SocketAddress& address, Deadline deadline, std::string& error);

enum class IoStatus { ok, timeout, closed, error };
std::string_view to_string(IoStatus status);

// Writes every byte before the deadline.
IoStatus send_all(int fd, std::span<const uint8_t> bytes, Deadline deadline, std::string& error);
// Appends what arrives (at most `max_bytes`) once something is readable,
// waiting until the deadline. `closed` means the peer ended the stream.
IoStatus receive_some(int fd, std::vector<uint8_t>& into, size_t max_bytes, Deadline deadline, std::string& error);
// Waits until `fd` is readable (or writable) or the deadline passes.
IoStatus wait_ready(int fd, bool for_write, Deadline deadline, std::string& error);

// The local and remote addresses of a connected socket.
std::optional<SocketAddress> local_address(int fd);
std::optional<SocketAddress> peer_address(int fd);

}  // namespace tc::sources
