#include "sources/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tc::sources {

void Fd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

std::string SocketAddress::host_text() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, buffer, sizeof buffer);
  } else if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, buffer, sizeof buffer);
  }
  return buffer;
}

uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  return 0;
}

std::string SocketAddress::text() const {
  std::string host = host_text();
  if (family() == AF_INET6) host = "[" + host + "]";
  return host + ":" + std::to_string(port());
}

std::optional<SocketAddress> parse_ip_literal(std::string_view host, uint16_t port) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string text(host);
  SocketAddress address;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage);
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    address.length = sizeof(sockaddr_in);
    return address;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
  if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    address.length = sizeof(sockaddr_in6);
    return address;
  }
  return std::nullopt;
}

bool is_ip_literal(std::string_view host) { return parse_ip_literal(host, 0).has_value(); }

std::vector<SocketAddress> resolve(const std::string& host, uint16_t port, std::string& error) {
  if (auto literal = parse_ip_literal(host, port)) return {*literal};
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* results = nullptr;
  int status = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &results);
  if (status != 0) {
    error = "cannot resolve " + host + ": " + gai_strerror(status);
    return {};
  }
  std::vector<SocketAddress> addresses;
  for (addrinfo* entry = results; entry != nullptr; entry = entry->ai_next) {
    if (entry->ai_family != AF_INET && entry->ai_family != AF_INET6) continue;
    SocketAddress address;
    std::memcpy(&address.storage, entry->ai_addr, entry->ai_addrlen);
    address.length = entry->ai_addrlen;
    bool seen = std::any_of(addresses.begin(), addresses.end(),
                            [&](const SocketAddress& other) { return other.text() == address.text(); });
    if (!seen) addresses.push_back(address);
  }
  freeaddrinfo(results);
  std::stable_sort(addresses.begin(), addresses.end(), [](const SocketAddress& a, const SocketAddress& b) {
    return a.family() == AF_INET && b.family() != AF_INET;
  });
  if (addresses.empty()) error = "cannot resolve " + host + ": no IPv4 or IPv6 address";
  return addresses;
}

std::optional<HostPort> parse_host_port(std::string_view text, uint16_t default_port, std::string& error) {
  HostPort result{std::string(text), default_port};
  std::string_view port_text;
  if (text.empty()) {
    error = "empty host";
    return std::nullopt;
  }
  if (text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) {
      error = "'" + std::string(text) + "': unclosed '[' in IPv6 address";
      return std::nullopt;
    }
    result.host = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':' || rest.size() == 1) {
        error = "'" + std::string(text) + "': expected ':PORT' after ']'";
        return std::nullopt;
      }
      port_text = rest.substr(1);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    auto colon = text.find(':');
    result.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  // Two or more colons without brackets: a bare IPv6 literal, default port.
  bool has_port = text.front() == '[' ? !port_text.empty() : std::count(text.begin(), text.end(), ':') == 1;
  if (has_port) {
    unsigned long port = 0;
    bool digits = !port_text.empty() && port_text.size() <= 5 &&
                  std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) port = std::stoul(std::string(port_text));
    if (!digits || port == 0 || port > 65535) {
      error = "'" + std::string(text) + "': port must be 1-65535";
      return std::nullopt;
    }
    result.port = static_cast<uint16_t>(port);
  }
  if (result.host.empty()) {
    error = "'" + std::string(text) + "': no host";
    return std::nullopt;
  }
  return result;
}

namespace {

int remaining_ms(Deadline deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 24LL * 3600 * 1000));
}

std::string errno_text(int code) { return std::strerror(code); }

}  // namespace

std::string_view to_string(IoStatus status) {
  switch (status) {
    case IoStatus::ok: return "ok";
    case IoStatus::timeout: return "timed out";
    case IoStatus::closed: return "connection closed by peer";
    case IoStatus::error: return "error";
  }
  return "error";
}

IoStatus wait_ready(int fd, bool for_write, Deadline deadline, std::string& error) {
  pollfd entry{fd, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
  while (true) {
    int ready = ::poll(&entry, 1, remaining_ms(deadline));
    if (ready > 0) return IoStatus::ok;  // POLLHUP/POLLERR surface on the next read/write
    if (ready == 0) {
      error = "timed out";
      return IoStatus::timeout;
    }
    if (errno != EINTR) {
      error = "poll: " + errno_text(errno);
      return IoStatus::error;
    }
  }
}

std::optional<Fd> connect_tcp(const SocketAddress& address, Deadline deadline, std::string& error) {
  Fd socket_fd(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
  if (!socket_fd.valid()) {
    error = "socket: " + errno_text(errno);
    return std::nullopt;
  }
  if (::connect(socket_fd.get(), address.get(), address.length) != 0) {
    if (errno != EINPROGRESS) {
      error = "connect to " + address.text() + ": " + errno_text(errno);
      return std::nullopt;
    }
    std::string wait_error;
    IoStatus status = wait_ready(socket_fd.get(), true, deadline, wait_error);
    if (status != IoStatus::ok) {
      error = "connect to " + address.text() + ": " + wait_error;
      return std::nullopt;
    }
    int socket_error = 0;
    socklen_t length = sizeof socket_error;
    getsockopt(socket_fd.get(), SOL_SOCKET, SO_ERROR, &socket_error, &length);
    if (socket_error != 0) {
      error = "connect to " + address.text() + ": " + errno_text(socket_error);
      return std::nullopt;
    }
  }
  return socket_fd;
}

IoStatus send_all(int fd, std::span<const uint8_t> bytes, Deadline deadline, std::string& error) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t written = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (written > 0) {
      sent += static_cast<size_t>(written);
      continue;
    }
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      IoStatus status = wait_ready(fd, true, deadline, error);
      if (status != IoStatus::ok) return status;
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && (errno == EPIPE || errno == ECONNRESET)) {
      error = "connection reset by peer";
      return IoStatus::closed;
    }
    error = "send: " + errno_text(errno);
    return IoStatus::error;
  }
  return IoStatus::ok;
}

IoStatus receive_some(int fd, std::vector<uint8_t>& into, size_t max_bytes, Deadline deadline, std::string& error) {
  while (true) {
    size_t old_size = into.size();
    into.resize(old_size + max_bytes);
    ssize_t got = ::recv(fd, into.data() + old_size, max_bytes, 0);
    into.resize(old_size + static_cast<size_t>(std::max<ssize_t>(got, 0)));
    if (got > 0) return IoStatus::ok;
    if (got == 0) {
      error = "connection closed by peer";
      return IoStatus::closed;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      IoStatus status = wait_ready(fd, false, deadline, error);
      if (status != IoStatus::ok) return status;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == ECONNRESET) {
      error = "connection reset by peer";
      return IoStatus::closed;
    }
    error = "recv: " + errno_text(errno);
    return IoStatus::error;
  }
}

std::optional<SocketAddress> local_address(int fd) {
  SocketAddress address;
  address.length = sizeof address.storage;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address.storage), &address.length) != 0) return std::nullopt;
  return address;
}

std::optional<SocketAddress> peer_address(int fd) {
  SocketAddress address;
  address.length = sizeof address.storage;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&address.storage), &address.length) != 0) return std::nullopt;
  return address;
}

}  // namespace tc::sources
