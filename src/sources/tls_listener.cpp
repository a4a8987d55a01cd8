#include "sources/tls_listener.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "sources/tls_transcript.h"

namespace tc::sources {

namespace {

constexpr size_t kQueueLimit = 4096;        // finished connections waiting for the caller
constexpr size_t kMaxUnsent = 256 * 1024;   // responses a client does not read
constexpr size_t kReadChunk = 16 * 1024;    // one TLS record
constexpr int kReadsPerEvent = 16;          // then let the other connections run
constexpr int kAcceptBatch = 64;
constexpr int kTickMs = 100;                // timeout sweep and stop check
constexpr int kMaxEvents = 256;
constexpr rlim_t kReservedDescriptors = 64; // files, the epoll sets, the listening socket

std::string errno_text(int code) { return std::strerror(code); }

// OpenSSL's reason for the last failure on this thread, and a clean queue.
std::string openssl_reason() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "";
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : "OpenSSL error " + std::to_string(code);
}

// A dual-stack socket names IPv4 peers "::ffff:a.b.c.d"; Connection names
// them as the capture reader does, "a.b.c.d:port".
SocketAddress unmapped(const SocketAddress& address) {
  if (address.family() != AF_INET6) return address;
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address.storage);
  if (!IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) return address;
  SocketAddress v4;
  auto* out = reinterpret_cast<sockaddr_in*>(&v4.storage);
  out->sin_family = AF_INET;
  out->sin_port = v6->sin6_port;
  std::memcpy(&out->sin_addr, &v6->sin6_addr.s6_addr[12], 4);
  v4.length = sizeof(sockaddr_in);
  return v4;
}

// Raises the soft descriptor limit to the hard one and returns how many
// connections fit under it.
size_t connections_that_fit(size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return wanted;
  rlim_t usable = limit.rlim_cur > kReservedDescriptors ? limit.rlim_cur - kReservedDescriptors : 1;
  return std::min<size_t>(wanted, static_cast<size_t>(usable));
}

std::string seconds_text(std::chrono::milliseconds duration) {
  double seconds = static_cast<double>(duration.count()) / 1000.0;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g s", seconds);
  return buffer;
}

}  // namespace

struct TlsListener::Shared {
  ListenerOptions options;
  x509::SslCtxPtr context;
  Fd listen_fd;
  SocketAddress address;
  size_t cap = 0;

  std::atomic<bool> stopping{false};
  std::atomic<size_t> open{0};
  std::atomic<uint64_t> accepted{0}, rejected{0}, completed{0}, handshake_timeouts{0}, idle_timeouts{0}, peak{0};

  std::mutex mutex;
  std::condition_variable ready;  // a connection finished
  std::condition_variable room;   // the queue has room again
  std::deque<Connection> finished;

  // Hands a finished connection to the caller's thread. Waits while the
  // queue is full (the caller is slower than the clients), except when
  // stopping: then the open connections are flushed into it at once.
  void deliver(Connection&& connection) {
    std::unique_lock lock(mutex);
    room.wait(lock, [&] { return finished.size() < kQueueLimit || stopping.load(); });
    finished.push_back(std::move(connection));
    ready.notify_one();
  }
};

class TlsListener::Worker {
 public:
  explicit Worker(Shared& shared) : shared_(shared) {}
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker() { join(); }

  bool start(std::string& error) {
    epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_.valid()) {
      error = "epoll_create1: " + errno_text(errno);
      return false;
    }
    // EPOLLEXCLUSIVE: one worker wakes per incoming connection, not all.
    epoll_event event{};
    event.events = EPOLLIN | EPOLLEXCLUSIVE;
    event.data.fd = shared_.listen_fd.get();
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, shared_.listen_fd.get(), &event) != 0) {
      error = "epoll_ctl: " + errno_text(errno);
      return false;
    }
    thread_ = std::thread([this] { loop(); });
    return true;
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  // One client. The transcript is declared before the SSL so that the SSL
  // (whose message callback points at it) is freed first.
  struct Client {
    Fd fd;
    std::string client_text, server_text;
    std::unique_ptr<TlsTranscript> transcript;
    x509::SslPtr ssl;
    std::unique_ptr<SipResponder> sip;  // once the handshake is done
    std::string unsent;
    Deadline deadline{};
    bool handshake_done = false;
    uint32_t events = EPOLLIN;
  };

  void loop() {
    std::vector<epoll_event> events(kMaxEvents);
    auto next_sweep = SteadyClock::now();
    while (!shared_.stopping.load()) {
      int ready = epoll_wait(epoll_.get(), events.data(), kMaxEvents, kTickMs);
      for (int i = 0; i < ready; ++i) {
        int fd = events[static_cast<size_t>(i)].data.fd;
        if (fd == shared_.listen_fd.get()) {
          accept_ready();
          continue;
        }
        auto found = clients_.find(fd);
        if (found != clients_.end()) serve(*found->second);
      }
      if (SteadyClock::now() >= next_sweep) {
        sweep_timeouts();
        next_sweep = SteadyClock::now() + std::chrono::milliseconds(kTickMs);
      }
    }
    std::vector<int> still_open;
    for (const auto& [fd, client] : clients_) still_open.push_back(fd);
    for (int fd : still_open) close_client(fd, "open when the listener stopped");
  }

  void accept_ready() {
    for (int i = 0; i < kAcceptBatch; ++i) {
      SocketAddress peer;
      peer.length = sizeof peer.storage;
      int raw = accept4(shared_.listen_fd.get(), reinterpret_cast<sockaddr*>(&peer.storage), &peer.length,
                        SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (raw < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // EAGAIN (another worker took it) or out of descriptors
      }
      Fd fd(raw);
      shared_.accepted.fetch_add(1);
      // Over the cap: accepted and closed at once, so the backlog never
      // holds clients that cannot be served.
      size_t now_open = shared_.open.fetch_add(1) + 1;
      if (now_open > shared_.cap) {
        shared_.open.fetch_sub(1);
        shared_.rejected.fetch_add(1);
        continue;
      }
      uint64_t peak = shared_.peak.load();
      while (now_open > peak && !shared_.peak.compare_exchange_weak(peak, now_open)) {
      }
      int one = 1;
      setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      auto client = std::make_unique<Client>();
      client->client_text = unmapped(peer).text();
      if (auto local = local_address(fd.get())) client->server_text = unmapped(*local).text();
      client->deadline = SteadyClock::now() + shared_.options.handshake_timeout;
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.fd = fd.get();
      if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd.get(), &event) != 0) {
        shared_.open.fetch_sub(1);
        continue;
      }
      client->fd = std::move(fd);
      int key = client->fd.get();
      clients_.emplace(key, std::move(client));
    }
  }

  // Asks epoll for writability only while OpenSSL needs it.
  void watch(Client& client, bool want_write) {
    uint32_t wanted = EPOLLIN | (want_write ? EPOLLOUT : 0u);
    if (wanted == client.events) return;
    epoll_event event{};
    event.events = wanted;
    event.data.fd = client.fd.get();
    epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, client.fd.get(), &event);
    client.events = wanted;
  }

  void serve(Client& client) {
    if (!client.ssl) {
      // The first byte arrived: only now does the client cost an SSL object.
      client.ssl.reset(SSL_new(shared_.context.get()));
      if (!client.ssl || SSL_set_fd(client.ssl.get(), client.fd.get()) != 1) {
        close_client(client.fd.get(), "cannot create the TLS connection: " + openssl_reason());
        return;
      }
      SSL_set_accept_state(client.ssl.get());
      client.transcript = std::make_unique<TlsTranscript>(Side::server);
      client.transcript->attach(client.ssl.get());
    }
    if (!client.handshake_done && !handshake(client)) return;
    if (client.handshake_done) exchange(client);
  }

  // False when the client is closed or must wait for more bytes.
  bool handshake(Client& client) {
    ERR_clear_error();
    int result = SSL_do_handshake(client.ssl.get());
    if (result == 1) {
      client.handshake_done = true;
      shared_.completed.fetch_add(1);
      client.sip = std::make_unique<SipResponder>(shared_.options.sip);
      client.deadline = SteadyClock::now() + shared_.options.idle_timeout;
      return true;
    }
    int error = SSL_get_error(client.ssl.get(), result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      watch(client, error == SSL_ERROR_WANT_WRITE);
      return false;
    }
    int saved_errno = errno;
    std::string reason = openssl_reason();
    bool nothing_sent = client.transcript->messages() == 0;
    if (reason.empty() || reason == "unexpected eof while reading") {
      reason = error == SSL_ERROR_SYSCALL && saved_errno != 0 ? errno_text(saved_errno) : "closed by the client";
      reason += nothing_sent ? " before a complete ClientHello" : " during the handshake";
    } else {
      reason = "handshake failed: " + reason;
    }
    close_client(client.fd.get(), reason);
    return false;
  }

  // Sends what is pending; false when the client must be closed.
  bool flush(Client& client) {
    while (!client.unsent.empty()) {
      ERR_clear_error();
      int written = SSL_write(client.ssl.get(), client.unsent.data(), static_cast<int>(client.unsent.size()));
      if (written > 0) {
        client.unsent.erase(0, static_cast<size_t>(written));
        continue;
      }
      int error = SSL_get_error(client.ssl.get(), written);
      if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) {
        watch(client, true);
        return true;
      }
      ERR_clear_error();
      close_client(client.fd.get(), "");  // the client went away before reading our answer
      return false;
    }
    watch(client, false);
    return true;
  }

  void exchange(Client& client) {
    if (!flush(client)) return;
    uint8_t buffer[kReadChunk];
    for (int reads = 0; reads < kReadsPerEvent; ++reads) {
      ERR_clear_error();
      int got = SSL_read(client.ssl.get(), buffer, sizeof buffer);
      if (got > 0) {
        client.deadline = SteadyClock::now() + shared_.options.idle_timeout;
        bool readable = client.sip->feed(std::span<const uint8_t>(buffer, static_cast<size_t>(got)), client.unsent);
        if (client.unsent.size() > kMaxUnsent) {
          close_client(client.fd.get(), "the client does not read the listener's responses");
          return;
        }
        if (!flush(client)) return;
        if (!readable) {
          close_client(client.fd.get(), "");  // the reason is in the SIP evidence
          return;
        }
        continue;
      }
      int error = SSL_get_error(client.ssl.get(), got);
      if (error == SSL_ERROR_WANT_READ) return;
      if (error == SSL_ERROR_WANT_WRITE) {
        watch(client, true);
        return;
      }
      // close_notify, EOF or reset after the handshake: the client is done.
      std::string reason = error == SSL_ERROR_SSL ? openssl_reason() : "";
      ERR_clear_error();
      if (reason == "unexpected eof while reading") reason.clear();
      close_client(client.fd.get(), reason.empty() ? "" : "TLS error after the handshake: " + reason);
      return;
    }
  }

  void sweep_timeouts() {
    auto now = SteadyClock::now();
    std::vector<std::pair<int, std::string>> expired;
    for (const auto& [fd, client] : clients_) {
      if (now < client->deadline) continue;
      if (client->handshake_done) {
        shared_.idle_timeouts.fetch_add(1);
        expired.emplace_back(fd, "");  // idle after the handshake: closed like the platform does
      } else {
        shared_.handshake_timeouts.fetch_add(1);
        bool silent = !client->transcript || client->transcript->messages() == 0;
        expired.emplace_back(fd, (silent ? "no complete ClientHello within " : "handshake not finished within ") +
                                     seconds_text(shared_.options.handshake_timeout));
      }
    }
    for (auto& [fd, reason] : expired) close_client(fd, reason);
  }

  // Ends the connection, turns it into Evidence and hands it over.
  void close_client(int fd, const std::string& anomaly) {
    auto found = clients_.find(fd);
    if (found == clients_.end()) return;
    std::unique_ptr<Client> client = std::move(found->second);
    clients_.erase(found);
    epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    if (client->handshake_done) {
      if (!client->unsent.empty()) flush(*client);
      SSL_shutdown(client->ssl.get());  // best effort close_notify; never waits
      ERR_clear_error();
    }
    Connection connection;
    if (client->transcript) connection = std::move(client->transcript->finish(client->handshake_done));
    client->ssl.reset();
    connection.client = client->client_text;
    connection.server = client->server_text;
    connection.direction = Direction::inbound;  // the customer endpoint calls the "platform"
    // "Frames" of a transcript are message numbers; the first is the ClientHello.
    if (connection.first_frame == 0 && !connection.messages.empty()) {
      connection.first_frame = connection.messages.front().frame;
    }
    if (client->sip) {
      client->sip->finish();
      connection.sip = client->sip->take_evidence();
    }
    if (!anomaly.empty()) connection.anomalies.push_back(anomaly);
    client.reset();  // closes the descriptor before the (possibly waiting) hand-over
    shared_.open.fetch_sub(1);
    shared_.deliver(std::move(connection));
  }

  Shared& shared_;
  Fd epoll_;
  std::thread thread_;
  std::unordered_map<int, std::unique_ptr<Client>> clients_;
};

TlsListener::TlsListener(std::unique_ptr<Shared> shared) : shared_(std::move(shared)) {}
TlsListener::~TlsListener() = default;

std::unique_ptr<TlsListener> TlsListener::open(const ListenerOptions& options, x509::SslCtxPtr context,
                                               std::string& error) {
  // A client that resets the connection while we write must not kill the
  // process: OpenSSL writes to sockets with write(2), which raises SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  auto address = parse_ip_literal(options.bind, options.port);
  if (!address) {
    error = "--bind " + options.bind + ": not an IPv4 or IPv6 address";
    return nullptr;
  }
  auto shared = std::make_unique<Shared>();
  shared->options = options;
  shared->context = std::move(context);
  shared->listen_fd.reset(::socket(address->family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
  if (!shared->listen_fd.valid() && address->family() == AF_INET6 && options.bind == "::") {
    address = parse_ip_literal("0.0.0.0", options.port);  // IPv6 disabled: IPv4 only
    shared->listen_fd.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
  }
  if (!shared->listen_fd.valid()) {
    error = "socket: " + errno_text(errno);
    return nullptr;
  }
  int one = 1, zero = 0;
  setsockopt(shared->listen_fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (address->family() == AF_INET6 && options.bind == "::") {
    setsockopt(shared->listen_fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  }
  if (::bind(shared->listen_fd.get(), address->get(), address->length) != 0) {
    error = "cannot listen on " + address->text() + ": " + errno_text(errno);
    return nullptr;
  }
  if (::listen(shared->listen_fd.get(), 4096) != 0) {
    error = "cannot listen on " + address->text() + ": " + errno_text(errno);
    return nullptr;
  }
  auto bound = local_address(shared->listen_fd.get());
  shared->address = bound ? *bound : *address;
  shared->cap = connections_that_fit(std::max<size_t>(options.max_connections, 1));
  return std::unique_ptr<TlsListener>(new TlsListener(std::move(shared)));
}

const SocketAddress& TlsListener::address() const { return shared_->address; }

void TlsListener::run(const std::atomic<bool>& stop, const std::function<bool(Connection&&)>& on_connection) {
  unsigned count = shared_->options.workers != 0 ? shared_->options.workers : std::thread::hardware_concurrency();
  std::vector<std::unique_ptr<Worker>> workers;
  bool wanted = true;
  for (unsigned i = 0; i < std::max(count, 1u); ++i) {
    auto worker = std::make_unique<Worker>(*shared_);
    std::string error;
    if (!worker->start(error)) break;  // fewer workers still serve
    workers.push_back(std::move(worker));
  }
  std::deque<Connection> batch;
  while (wanted && !stop.load() && !workers.empty()) {
    {
      std::unique_lock lock(shared_->mutex);
      shared_->ready.wait_for(lock, std::chrono::milliseconds(kTickMs), [&] { return !shared_->finished.empty(); });
      batch.swap(shared_->finished);
    }
    shared_->room.notify_all();
    while (!batch.empty() && wanted) {
      wanted = on_connection(std::move(batch.front()));
      batch.pop_front();
    }
    batch.clear();
  }
  shared_->stopping.store(true);
  shared_->room.notify_all();
  for (auto& worker : workers) worker->join();
  // What the workers closed on the way out (still open at the stop).
  std::lock_guard lock(shared_->mutex);
  while (!shared_->finished.empty() && wanted) {
    wanted = on_connection(std::move(shared_->finished.front()));
    shared_->finished.pop_front();
  }
  shared_->finished.clear();
}

ListenerStats TlsListener::stats() const {
  ListenerStats stats;
  stats.accepted = shared_->accepted.load();
  stats.rejected_over_cap = shared_->rejected.load();
  stats.handshakes_completed = shared_->completed.load();
  stats.handshake_timeouts = shared_->handshake_timeouts.load();
  stats.idle_timeouts = shared_->idle_timeouts.load();
  stats.peak_open = shared_->peak.load();
  stats.max_connections = shared_->cap;
  return stats;
}

}  // namespace tc::sources
