// tc_gen_capture: writes a classic pcap (Ethernet, microseconds) of real TLS
// 1.2 handshakes on port 5061 interleaved with RTP-sized UDP packets, for the
// capture decoder benchmark (bench/pcap_bench.sh).
//
// The handshakes are made once, in memory, by OpenSSL (a client and a server
// SSL object talking over memory BIOs): a handful of scenarios (plain, mutual
// TLS accepted, client certificate without clientAuth -> alert 43, required
// client certificate missing -> alert 40, deprecated suites 0x003d/0xc028
// chosen, no shared suite -> alert 40), with an RSA-2048 and an EC P-256
// leaf+intermediate chain. Each connection of the capture replays one of them
// with its own address/port tuple and initial sequence numbers, segmented into
// TCP packets with SYN/SYN-ACK/ACK and FIN handshakes. Deterministic for a
// given set of arguments.
//
//   tc_gen_capture --out FILE --size 1G [--mode rtp|tls] [--connections N]
//                  [--seed S] [--concurrent K] [--mss M]
//
//   --mode rtp  (default) N connections (default 100000); RTP fills the rest.
//   --mode tls  the TLS connections fill ~90% of the bytes, RTP the rest
//               (--connections is then derived from --size).
//
// Prints a summary and writes FILE.meta (key=value lines) with what a correct
// decoder must find: connections, ClientHellos, ServerHellos, alerts, …
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

// The scenario table below names only the fields that differ from the defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace {

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "tc_gen_capture: %s\n", message.c_str());
  ERR_print_errors_fp(stderr);
  std::exit(2);
}

// ---------------------------------------------------------------- randomness

struct SplitMix {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(next() % n); }
};

// OpenSSL's randomness (keys, hello randoms, ECDHE shares, signature nonces)
// comes from this generator, so the same arguments give the same file. Never
// do this outside a benchmark.
SplitMix g_openssl_rng{0x7c3e9d1f00000000ull};
int fixed_bytes(unsigned char* out, int size) {
  for (int i = 0; i < size; ++i) out[i] = static_cast<unsigned char>(g_openssl_rng.next());
  return 1;
}
int fixed_status() { return 1; }
void make_openssl_deterministic(uint64_t seed) {
  g_openssl_rng.state ^= seed;
  static RAND_METHOD method = {nullptr, fixed_bytes, nullptr, nullptr, fixed_bytes, fixed_status};
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  if (RAND_set_rand_method(&method) != 1) die("cannot install the deterministic RAND method");
#pragma GCC diagnostic pop
}

// ---------------------------------------------------------------- certificates

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

Key make_key(bool rsa) {
  EVP_PKEY* key = rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
  if (!key) die("key generation failed");
  return Key(key);
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) die(std::string("extension ") + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Issues a certificate for `key` (self-signed when issuer is null).
Cert make_cert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key, bool ca, const char* eku,
               const char* san, long serial) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  // Fixed validity so the output does not depend on the day it is made.
  ASN1_TIME_set_string(X509_getm_notBefore(cert.get()), "20250101000000Z");
  ASN1_TIME_set_string(X509_getm_notAfter(cert.get()), ca ? "20350101000000Z" : "20270101000000Z");
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("DE"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Trunkcheck Bench"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(cert.get(), key);
  X509* signer = issuer ? issuer : cert.get();
  if (ca) {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), signer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    if (eku) add_ext(cert.get(), signer, NID_ext_key_usage, eku);
    if (san) add_ext(cert.get(), signer, NID_subject_alt_name, san);
  }
  add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer) add_ext(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  if (!X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256())) die("signing failed");
  return cert;
}

struct Pki {
  Key root_key, inter_key;
  Cert root, inter;
  Key rsa_key, ec_key, client_key;
  Cert rsa_leaf, ec_leaf, client_good, client_no_eku;
};

Pki make_pki() {
  Pki p;
  p.root_key = make_key(true);
  p.root = make_cert("Bench Root CA", p.root_key.get(), nullptr, nullptr, true, nullptr, nullptr, 1);
  p.inter_key = make_key(true);
  p.inter = make_cert("Bench Issuing CA", p.inter_key.get(), p.root.get(), p.root_key.get(), true, nullptr, nullptr, 2);
  p.rsa_key = make_key(true);
  p.rsa_leaf = make_cert("sip.bench.example", p.rsa_key.get(), p.inter.get(), p.inter_key.get(), false,
                         "serverAuth,clientAuth", "DNS:sip.bench.example,DNS:sbc1.bench.example", 3);
  p.ec_key = make_key(false);
  p.ec_leaf = make_cert("sip-ec.bench.example", p.ec_key.get(), p.inter.get(), p.inter_key.get(), false,
                        "serverAuth,clientAuth", "DNS:sip-ec.bench.example", 4);
  p.client_key = make_key(false);
  p.client_good = make_cert("platform.bench.example", p.client_key.get(), p.inter.get(), p.inter_key.get(), false,
                            "serverAuth,clientAuth", "DNS:platform.bench.example", 5);
  p.client_no_eku = make_cert("platform.bench.example", p.client_key.get(), p.inter.get(), p.inter_key.get(), false,
                              "serverAuth", "DNS:platform.bench.example", 6);
  return p;
}

// ---------------------------------------------------------------- handshakes

enum class Dir { c2s, s2c };
struct Flight {
  Dir dir;
  std::vector<uint8_t> bytes;
};

struct Scenario {
  const char* name;
  int weight;
  bool rsa_server = true;
  const char* client_ciphers = nullptr;  // null: OpenSSL's default list
  const char* server_ciphers = nullptr;
  int verify = SSL_VERIFY_NONE;          // server side
  X509* client_cert = nullptr;
  const char* sni = "sip.bench.example";
  // Filled by run():
  std::vector<Flight> flights;
  int client_hellos = 0, server_hellos = 0, alerts = 0, cert_requests = 0, client_certs = 0;
  bool established = false;
  uint16_t cipher = 0;
};

std::vector<uint8_t> drain(BIO* bio) {
  std::vector<uint8_t> out;
  char buffer[16384];
  for (;;) {
    const int n = BIO_read(bio, buffer, sizeof buffer);
    if (n <= 0) break;
    out.insert(out.end(), buffer, buffer + n);
  }
  return out;
}

void run(Scenario& s, const Pki& pki) {
  SSL_CTX* sctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
  for (SSL_CTX* ctx : {sctx, cctx}) {
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  }
  EVP_PKEY* skey = s.rsa_server ? pki.rsa_key.get() : pki.ec_key.get();
  X509* sleaf = s.rsa_server ? pki.rsa_leaf.get() : pki.ec_leaf.get();
  if (SSL_CTX_use_certificate(sctx, sleaf) != 1 || SSL_CTX_use_PrivateKey(sctx, skey) != 1) die("server key");
  X509_up_ref(pki.inter.get());
  SSL_CTX_add_extra_chain_cert(sctx, pki.inter.get());
  X509_STORE_add_cert(SSL_CTX_get_cert_store(sctx), pki.root.get());
  SSL_CTX_set_verify(sctx, s.verify, nullptr);
  if (s.verify != SSL_VERIFY_NONE) {
    STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
    sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(pki.root.get())));
    SSL_CTX_set_client_CA_list(sctx, names);
  }
  if (s.server_ciphers && SSL_CTX_set_cipher_list(sctx, s.server_ciphers) != 1) die("server ciphers");
  if (s.client_ciphers && SSL_CTX_set_cipher_list(cctx, s.client_ciphers) != 1) die("client ciphers");
  if (s.client_cert) {
    if (SSL_CTX_use_certificate(cctx, s.client_cert) != 1 || SSL_CTX_use_PrivateKey(cctx, pki.client_key.get()) != 1)
      die("client key");
    X509_up_ref(pki.inter.get());
    SSL_CTX_add_extra_chain_cert(cctx, pki.inter.get());
  }
  SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, nullptr);

  SSL* server = SSL_new(sctx);
  SSL* client = SSL_new(cctx);
  BIO* c_in = BIO_new(BIO_s_mem());
  BIO* c_out = BIO_new(BIO_s_mem());
  BIO* s_in = BIO_new(BIO_s_mem());
  BIO* s_out = BIO_new(BIO_s_mem());
  SSL_set_bio(client, c_in, c_out);
  SSL_set_bio(server, s_in, s_out);
  SSL_set_connect_state(client);
  SSL_set_accept_state(server);
  SSL_set_tlsext_host_name(client, s.sni);

  auto pump = [&](Dir dir) {
    auto bytes = drain(dir == Dir::c2s ? c_out : s_out);
    if (bytes.empty()) return false;
    BIO_write(dir == Dir::c2s ? s_in : c_in, bytes.data(), static_cast<int>(bytes.size()));
    s.flights.push_back({dir, std::move(bytes)});
    return true;
  };

  bool client_done = false, server_done = false, failed = false;
  for (int round = 0; round < 20 && !(client_done && server_done) && !failed; ++round) {
    if (!client_done) {
      const int r = SSL_do_handshake(client);
      if (r == 1) client_done = true;
      else if (SSL_get_error(client, r) != SSL_ERROR_WANT_READ) failed = true;
    }
    const bool c_sent = pump(Dir::c2s);
    if (!server_done) {
      const int r = SSL_do_handshake(server);
      if (r == 1) server_done = true;
      else if (SSL_get_error(server, r) != SSL_ERROR_WANT_READ) failed = true;
    }
    const bool s_sent = pump(Dir::s2c);
    if (!c_sent && !s_sent && !failed && round > 2) break;
  }
  // Let the peer of a failed side read the alert (so nothing is left unsent).
  pump(Dir::c2s);
  pump(Dir::s2c);
  if (!failed && client_done && server_done) {
    s.established = true;
    s.cipher = static_cast<uint16_t>(SSL_CIPHER_get_id(SSL_get_current_cipher(client)) & 0xffff);
    // A SIP request and its answer, then close_notify both ways.
    const std::string invite =
        "OPTIONS sip:ping@sip.bench.example;transport=tls SIP/2.0\r\n"
        "Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK776asdhds\r\nMax-Forwards: 70\r\n"
        "From: <sip:platform@bench.example>;tag=1928301774\r\nTo: <sip:ping@sip.bench.example>\r\n"
        "Call-ID: a84b4c76e66710@platform.bench.example\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    const std::string answer =
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK776asdhds\r\n"
        "From: <sip:platform@bench.example>;tag=1928301774\r\nTo: <sip:ping@sip.bench.example>;tag=a6c85cf\r\n"
        "Call-ID: a84b4c76e66710@platform.bench.example\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    SSL_write(client, invite.data(), static_cast<int>(invite.size()));
    pump(Dir::c2s);
    char sink[4096];
    SSL_read(server, sink, sizeof sink);
    SSL_write(server, answer.data(), static_cast<int>(answer.size()));
    pump(Dir::s2c);
    SSL_read(client, sink, sizeof sink);
    SSL_shutdown(client);
    pump(Dir::c2s);
    SSL_shutdown(server);
    pump(Dir::s2c);
  }
  // Count what a decoder must see, from the cleartext records.
  for (const Flight& f : s.flights) {
    size_t at = 0;
    bool encrypted_from_here = false;
    (void)encrypted_from_here;
    while (at + 5 <= f.bytes.size()) {
      const uint8_t type = f.bytes[at];
      const size_t length = (size_t{f.bytes[at + 3]} << 8) | f.bytes[at + 4];
      if (type == 21) ++s.alerts;
      if (type == 22 && length >= 4) {
        // Handshake records before ChangeCipherSpec hold whole messages here (OpenSSL does not fragment small ones).
        size_t m = at + 5;
        while (m + 4 <= at + 5 + length) {
          const uint8_t ht = f.bytes[m];
          const size_t hl = (size_t{f.bytes[m + 1]} << 16) | (size_t{f.bytes[m + 2]} << 8) | f.bytes[m + 3];
          if (ht == 1 && f.dir == Dir::c2s) ++s.client_hellos;
          else if (ht == 2 && f.dir == Dir::s2c) ++s.server_hellos;
          else if (ht == 13 && f.dir == Dir::s2c) ++s.cert_requests;
          else if (ht == 11 && f.dir == Dir::c2s) ++s.client_certs;
          else if (ht > 24 || hl > length) break;  // encrypted Finished: stop
          m += 4 + hl;
        }
      }
      at += 5 + length;
    }
  }
  if (!s.established) {
    const SSL_CIPHER* c = SSL_get_current_cipher(client);
    if (c) s.cipher = static_cast<uint16_t>(SSL_CIPHER_get_id(c) & 0xffff);
  }
  SSL_free(client);
  SSL_free(server);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
  ERR_clear_error();
}

// ---------------------------------------------------------------- packets

constexpr size_t kEth = 14, kIp = 20, kTcp = 20, kUdp = 8, kRecord = 16;
constexpr size_t kRtpPayload = 172;  // 12-byte RTP header + 160 bytes of G.711 (20 ms)

class PcapWriter {
 public:
  explicit PcapWriter(const std::string& path) : file_(std::fopen(path.c_str(), "wb")) {
    if (!file_) die("cannot create " + path);
    buffer_.reserve(kBuffer);
    // struct { magic, v2.4, thiszone, sigfigs, snaplen 262144, LINKTYPE_ETHERNET }
    const uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1};
    append(header, sizeof header);
  }
  ~PcapWriter() { close(); }
  void close() {
    if (!file_) return;
    flush();
    if (std::fclose(file_) != 0) die("write failed");
    file_ = nullptr;
  }
  // Starts a record of `size` frame bytes at time `usec`; returns where the frame goes.
  uint8_t* record(uint64_t usec, size_t size) {
    if (buffer_.size() + kRecord + size > kBuffer) flush();
    const size_t at = buffer_.size();
    buffer_.resize(at + kRecord + size);
    uint8_t* p = buffer_.data() + at;
    const uint32_t h[4] = {static_cast<uint32_t>(usec / 1000000), static_cast<uint32_t>(usec % 1000000),
                           static_cast<uint32_t>(size), static_cast<uint32_t>(size)};
    std::memcpy(p, h, sizeof h);
    written_ += kRecord + size;
    return p + kRecord;
  }
  uint64_t written() const { return written_ + 24; }

 private:
  static constexpr size_t kBuffer = 8 << 20;
  void append(const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    buffer_.insert(buffer_.end(), p, p + size);
  }
  void flush() {
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
      die("write failed (disk full?)");
    buffer_.clear();
  }
  std::FILE* file_;
  std::vector<uint8_t> buffer_;
  uint64_t written_ = 0;
};

void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
  put16(p, static_cast<uint16_t>(v >> 16));
  put16(p + 2, static_cast<uint16_t>(v));
}

// Ethernet + IPv4 header; returns the start of the transport header.
uint8_t* put_eth_ip(uint8_t* p, uint32_t src, uint32_t dst, uint8_t proto, size_t ip_payload, uint16_t id) {
  static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02};
  std::memcpy(p, macs, 12);
  put16(p + 12, 0x0800);
  uint8_t* ip = p + kEth;
  ip[0] = 0x45;
  ip[1] = proto == 17 ? 0xb8 : 0x68;  // EF for RTP, AF31 for SIP
  put16(ip + 2, static_cast<uint16_t>(kIp + ip_payload));
  put16(ip + 4, id);
  put16(ip + 6, 0x4000);  // DF
  ip[8] = 64;
  ip[9] = proto;
  put16(ip + 10, 0);
  put32(ip + 12, src);
  put32(ip + 16, dst);
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += (uint32_t{ip[i]} << 8) | ip[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  put16(ip + 10, static_cast<uint16_t>(~sum));
  return ip + kIp;
}

namespace tcpf {
constexpr uint8_t fin = 1, syn = 2, psh = 8, ack = 16;  // (RST, 4, is never replayed)
}

// One TCP packet of a replayed connection, before addresses are known.
struct Seg {
  bool from_client;
  uint8_t flags;
  uint32_t seq_off;  // relative to the sender's ISN
  uint32_t ack_off;  // relative to the peer's ISN
  uint32_t offset;   // into `payload` of the scenario
  uint16_t length;
};

struct Template {
  const Scenario* scenario;
  std::vector<uint8_t> client_bytes, server_bytes;  // concatenated flights per direction
  std::vector<Seg> segs;
  uint64_t frame_bytes = 0;  // record headers included
};

Template make_template(const Scenario& s, size_t mss) {
  Template t;
  t.scenario = &s;
  uint32_t cseq = 1, sseq = 1;  // next sequence offsets (SYN took 0)
  t.segs.push_back({true, tcpf::syn, 0, 0, 0, 0});
  t.segs.push_back({false, tcpf::syn | tcpf::ack, 0, 1, 0, 0});
  t.segs.push_back({true, tcpf::ack, 1, 1, 0, 0});
  for (const Flight& f : s.flights) {
    const bool c = f.dir == Dir::c2s;
    auto& stream = c ? t.client_bytes : t.server_bytes;
    uint32_t& seq = c ? cseq : sseq;
    for (size_t at = 0; at < f.bytes.size(); at += mss) {
      const size_t n = std::min(mss, f.bytes.size() - at);
      const bool last = at + n == f.bytes.size();
      t.segs.push_back({c, static_cast<uint8_t>(tcpf::ack | (last ? tcpf::psh : 0)), seq, c ? sseq : cseq,
                        static_cast<uint32_t>(stream.size() + at), static_cast<uint16_t>(n)});
      seq += static_cast<uint32_t>(n);
    }
    stream.insert(stream.end(), f.bytes.begin(), f.bytes.end());
    // The receiver acknowledges the flight.
    t.segs.push_back({!c, tcpf::ack, c ? sseq : cseq, seq, 0, 0});
  }
  // Client closes first.
  t.segs.push_back({true, tcpf::fin | tcpf::ack, cseq, sseq, 0, 0});
  t.segs.push_back({false, tcpf::fin | tcpf::ack, sseq, cseq + 1, 0, 0});
  t.segs.push_back({true, tcpf::ack, cseq + 1, sseq + 1, 0, 0});
  for (const Seg& g : t.segs) t.frame_bytes += kRecord + kEth + kIp + kTcp + g.length;
  return t;
}

struct Active {
  const Template* t = nullptr;
  size_t next = 0;
  uint32_t client_ip = 0, server_ip = 0;
  uint16_t client_port = 0;
  uint32_t client_isn = 0, server_isn = 0;
  uint16_t ip_id = 0;
};

struct RtpStream {
  uint32_t src_ip, dst_ip;
  uint16_t src_port, dst_port;
  uint16_t seq;
  uint32_t timestamp, ssrc;
};

uint64_t parse_size(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  std::string unit(end);
  double scale = 1;
  if (unit == "K" || unit == "k") scale = 1e3;
  else if (unit == "M" || unit == "m") scale = 1e6;
  else if (unit == "G" || unit == "g") scale = 1e9;
  else if (unit == "Ki") scale = 1024.0;
  else if (unit == "Mi") scale = 1024.0 * 1024;
  else if (unit == "Gi") scale = 1024.0 * 1024 * 1024;
  else if (!unit.empty()) die("bad size " + text);
  return static_cast<uint64_t>(value * scale);
}

void usage() {
  std::fprintf(stderr,
               "usage: tc_gen_capture --out FILE --size SIZE [--mode rtp|tls] [--connections N] [--seed S]\n"
               "                      [--concurrent K] [--mss M]\n"
               "  SIZE like 200M, 1G, 4G (decimal) or 1Gi (binary)\n"
               "  rtp: N TLS connections (default 100000), RTP packets fill the rest of SIZE\n"
               "  tls: TLS connections fill ~90%% of SIZE, RTP the rest\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string out, mode = "rtp";
  uint64_t size = 0, seed = 1;
  long long connections = -1;
  size_t concurrent = 64, mss = 1448;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (a == "--out") out = value();
    else if (a == "--size") size = parse_size(value());
    else if (a == "--mode") mode = value();
    else if (a == "--connections") connections = std::atoll(value().c_str());
    else if (a == "--seed") seed = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--concurrent") concurrent = std::max<size_t>(1, std::strtoull(value().c_str(), nullptr, 10));
    else if (a == "--mss") mss = std::clamp<size_t>(std::strtoull(value().c_str(), nullptr, 10), 64, 8960);
    else usage();
  }
  if (out.empty() || size == 0 || (mode != "rtp" && mode != "tls")) usage();

  make_openssl_deterministic(seed);
  const Pki pki = make_pki();
  const char* gcm = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                    "ECDHE-ECDSA-AES128-GCM-SHA256";
  std::vector<Scenario> scenarios = {
      {.name = "rsa-default", .weight = 28},
      {.name = "ec-default", .weight = 22, .rsa_server = false, .sni = "sip-ec.bench.example"},
      // The endpoint ranks AES256-SHA256 first; OpenSSL's server honours the client's order.
      {.name = "rsa-003d-first", .weight = 8, .client_ciphers = "AES256-SHA256:ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA"},
      {.name = "rsa-c028-first",
       .weight = 7,
       .client_ciphers = "ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-GCM-SHA384:AES256-SHA256"},
      {.name = "mtls-accepted", .weight = 12, .verify = SSL_VERIFY_PEER, .client_cert = pki.client_good.get()},
      // Client certificate without clientAuth: the server's verification fails with alert 43.
      {.name = "mtls-eku-rejected", .weight = 10, .verify = SSL_VERIFY_PEER, .client_cert = pki.client_no_eku.get()},
      // Client certificate required, none sent: alert 40.
      {.name = "mtls-required-empty",
       .weight = 8,
       .verify = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT},
      // No suite in common: the server answers the ClientHello with alert 40.
      {.name = "no-shared-cipher", .weight = 5, .client_ciphers = "AES128-SHA:AES256-SHA", .server_ciphers = gcm},
  };
  std::vector<Template> templates;
  int total_weight = 0;
  for (Scenario& s : scenarios) {
    run(s, pki);
    total_weight += s.weight;
  }
  for (const Scenario& s : scenarios) templates.push_back(make_template(s, mss));

  std::fprintf(stderr, "%-20s %6s %5s %5s %4s %4s %4s %6s %8s %6s\n", "scenario", "weight", "CH", "SH", "CR", "ccrt",
               "alrt", "cipher", "bytes", "pkts");
  double mean_bytes = 0;
  for (const Template& t : templates) {
    const Scenario& s = *t.scenario;
    std::fprintf(stderr, "%-20s %6d %5d %5d %4d %4d %4d 0x%04x %8llu %6zu%s\n", s.name, s.weight, s.client_hellos,
                 s.server_hellos, s.cert_requests, s.client_certs, s.alerts, s.cipher,
                 static_cast<unsigned long long>(t.frame_bytes), t.segs.size(), s.established ? "" : "  (aborted)");
    mean_bytes += static_cast<double>(t.frame_bytes) * s.weight / total_weight;
  }

  SplitMix rng{seed * 0x2545f4914f6cdd1dull + 7};
  if (mode == "tls") {
    if (connections < 0) connections = static_cast<long long>(static_cast<double>(size) * 0.9 / mean_bytes);
  } else if (connections < 0) {
    connections = 100000;
  }
  // Choose every connection's scenario first so the byte budget is exact.
  std::vector<uint8_t> choice(static_cast<size_t>(connections));
  uint64_t tls_bytes = 0;
  for (auto& c : choice) {
    uint32_t r = rng.below(static_cast<uint32_t>(total_weight));
    size_t k = 0;
    while (r >= static_cast<uint32_t>(scenarios[k].weight)) r -= static_cast<uint32_t>(scenarios[k++].weight);
    c = static_cast<uint8_t>(k);
    tls_bytes += templates[k].frame_bytes;
  }
  const uint64_t rtp_record = kRecord + kEth + kIp + kUdp + kRtpPayload;
  if (tls_bytes + 24 > size) {
    die("the " + std::to_string(connections) + " connections need " + std::to_string(tls_bytes) +
        " bytes, more than --size; raise --size or lower --connections");
  }
  const uint64_t rtp_packets = (size - 24 - tls_bytes) / rtp_record;
  uint64_t tls_packets = 0;
  for (uint8_t c : choice) tls_packets += templates[c].segs.size();

  // RTP streams: 2 per call, a few hundred calls in flight.
  std::vector<RtpStream> streams(512);
  for (size_t i = 0; i < streams.size(); ++i) {
    const uint16_t port = static_cast<uint16_t>(10000 + 2 * rng.below(5000));
    streams[i] = {0xc6336400u | (1 + rng.below(200)), 0x0a140000u | rng.below(65536), port,
                  static_cast<uint16_t>(10000 + 2 * rng.below(5000)), static_cast<uint16_t>(rng.next()),
                  static_cast<uint32_t>(rng.next()), static_cast<uint32_t>(rng.next())};
  }
  std::array<uint8_t, 4096> noise{};
  for (auto& b : noise) b = static_cast<uint8_t>(rng.next());

  PcapWriter writer(out);
  uint64_t usec = 1773136800ull * 1000000;  // 2026-03-10 10:00:00 UTC
  std::vector<Active> active(std::min<size_t>(concurrent, choice.size()));
  size_t started = 0, finished = 0, slot = 0, rtp_next = 0;
  uint16_t rtp_ip_id = 0;
  auto start = [&](Active& a) {
    if (started >= choice.size()) {
      a.t = nullptr;
      return;
    }
    const size_t i = started++;
    a.t = &templates[choice[i]];
    a.next = 0;
    // Clients spread over 10.0.0.0/8 from a distinct tuple per connection.
    a.client_ip = 0x0a000000u | static_cast<uint32_t>((i * 2654435761u) & 0x00ffffffu);
    a.client_port = static_cast<uint16_t>(32768 + (i % 28000));
    a.server_ip = 0xc0000200u | (10 + static_cast<uint32_t>(i % 4));  // 192.0.2.10-13
    a.client_isn = static_cast<uint32_t>(rng.next());
    a.server_isn = static_cast<uint32_t>(rng.next());
    a.ip_id = static_cast<uint16_t>(rng.next());
  };
  for (Active& a : active) start(a);

  auto emit_tls = [&]() {
    // Round-robin over the connections in flight.
    for (size_t tries = 0; tries < active.size(); ++tries) {
      Active& a = active[slot];
      slot = (slot + 1) % active.size();
      if (!a.t) continue;
      const Seg& g = a.t->segs[a.next++];
      const std::vector<uint8_t>& stream = g.from_client ? a.t->client_bytes : a.t->server_bytes;
      uint8_t* frame = writer.record(usec, kEth + kIp + kTcp + g.length);
      const uint32_t src = g.from_client ? a.client_ip : a.server_ip;
      const uint32_t dst = g.from_client ? a.server_ip : a.client_ip;
      uint8_t* tcp = put_eth_ip(frame, src, dst, 6, kTcp + g.length, a.ip_id++);
      put16(tcp, g.from_client ? a.client_port : 5061);
      put16(tcp + 2, g.from_client ? 5061 : a.client_port);
      put32(tcp + 4, (g.from_client ? a.client_isn : a.server_isn) + g.seq_off);
      put32(tcp + 8, (g.flags & tcpf::ack) ? (g.from_client ? a.server_isn : a.client_isn) + g.ack_off : 0);
      tcp[12] = 0x50;
      tcp[13] = g.flags;
      put16(tcp + 14, 64240);
      put16(tcp + 16, 0);  // checksum not computed (tshark does not check it by default)
      put16(tcp + 18, 0);
      if (g.length) std::memcpy(tcp + kTcp, stream.data() + g.offset, g.length);
      if (a.next == a.t->segs.size()) {
        ++finished;
        start(a);
      }
      return true;
    }
    return false;
  };
  auto emit_rtp = [&]() {
    RtpStream& s = streams[rtp_next];
    rtp_next = (rtp_next + 1) % streams.size();
    uint8_t* frame = writer.record(usec, kEth + kIp + kUdp + kRtpPayload);
    uint8_t* udp = put_eth_ip(frame, s.src_ip, s.dst_ip, 17, kUdp + kRtpPayload, rtp_ip_id++);
    put16(udp, s.src_port);
    put16(udp + 2, s.dst_port);
    put16(udp + 4, static_cast<uint16_t>(kUdp + kRtpPayload));
    put16(udp + 6, 0);
    uint8_t* rtp = udp + kUdp;
    rtp[0] = 0x80;
    rtp[1] = 0x08;  // PCMA
    put16(rtp + 2, s.seq++);
    put32(rtp + 4, s.timestamp);
    s.timestamp += 160;
    put32(rtp + 8, s.ssrc);
    std::memcpy(rtp + 12, noise.data() + (s.seq & 1023), kRtpPayload - 12);
  };

  // Interleave so that both kinds (products stay below 2^64 for any file under 1 TB)
  // are spread evenly over the whole file.
  uint64_t tls_done = 0, rtp_done = 0;
  const uint64_t total_packets = tls_packets + rtp_packets;
  for (uint64_t n = 0; n < total_packets; ++n) {
    usec += 7;
    // Bresenham: emit TLS while its share so far is behind the target share.
    const bool want_tls = rtp_done >= rtp_packets ||
                          (tls_done < tls_packets &&
                           tls_done * total_packets <= n * tls_packets);
    if (want_tls && emit_tls()) {
      ++tls_done;
    } else {
      emit_rtp();
      ++rtp_done;
    }
  }
  writer.close();
  const uint64_t file_bytes = writer.written();
  const uint64_t rtp_bytes = rtp_packets * rtp_record;

  // What a correct decoder must report.
  uint64_t ch = 0, sh = 0, alerts = 0, cr = 0, ccert = 0, established = 0, c003d = 0, c028 = 0;
  for (uint8_t c : choice) {
    const Scenario& s = scenarios[c];
    ch += s.client_hellos;
    sh += s.server_hellos;
    alerts += s.alerts;
    cr += s.cert_requests;
    ccert += s.client_certs;
    established += s.established;
    c003d += s.cipher == 0x003d && s.server_hellos;
    c028 += s.cipher == 0xc028 && s.server_hellos;
  }
  std::FILE* meta = std::fopen((out + ".meta").c_str(), "w");
  if (!meta) die("cannot write " + out + ".meta");
  std::fprintf(meta,
               "file_bytes=%llu\nframes=%llu\ntls_connections=%lld\ntls_packets=%llu\ntls_bytes=%llu\n"
               "rtp_packets=%llu\nrtp_bytes=%llu\nrtp_share=%.4f\nclient_hellos=%llu\nserver_hellos=%llu\n"
               "certificate_requests=%llu\nclient_certificates=%llu\nalerts=%llu\nestablished=%llu\n"
               "cipher_003d=%llu\ncipher_c028=%llu\nmode=%s\nseed=%llu\n",
               (unsigned long long)file_bytes, (unsigned long long)total_packets, connections,
               (unsigned long long)tls_packets, (unsigned long long)tls_bytes, (unsigned long long)rtp_packets,
               (unsigned long long)rtp_bytes, static_cast<double>(rtp_bytes) / static_cast<double>(file_bytes),
               (unsigned long long)ch, (unsigned long long)sh, (unsigned long long)cr, (unsigned long long)ccert,
               (unsigned long long)alerts, (unsigned long long)established, (unsigned long long)c003d,
               (unsigned long long)c028, mode.c_str(), (unsigned long long)seed);
  std::fclose(meta);
  std::printf("%s: %.1f MB, %llu frames, %lld TLS connections (%llu ClientHellos, %llu ServerHellos), "
              "RTP %.1f%% of bytes\n",
              out.c_str(), static_cast<double>(file_bytes) / 1e6, (unsigned long long)total_packets, connections,
              (unsigned long long)ch, (unsigned long long)sh,
              100.0 * static_cast<double>(rtp_bytes) / static_cast<double>(file_bytes));
  if (finished != choice.size()) die("internal: not every connection was written");
  return 0;
}
