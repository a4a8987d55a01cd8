// The cheapest honest client for the listen benchmark: a hand-rolled TLS 1.2
// client (RFC 5246) that does only what the protocol needs from a client, so
// the two shared cores go to the listener being measured.
//
// What the listener does per connection is exactly what it does for any
// client: a fresh X25519 key, one RSA-2048 signature over its
// ServerKeyExchange, the key schedule, Finished, one SIP OPTIONS answered 200.
// What this client leaves out (and a real SBC would not): it never parses or
// verifies the server's certificates or signature, and it reuses one X25519
// key pair for every connection (RFC 7748 permits static keys; the listener
// cannot tell). Both are the client's own costs, not the server's.
// Suites: ECDHE-RSA-AES256-GCM-SHA384 (0xc030) first, then 0xc02f, as the
// other load generators end up negotiating; extended master secret (RFC 7627).
//
//   tc_listen_load_raw PORT N C   → prints "OK FAILED SECONDS"
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "listen_load_common.h"
#include "wire/client_hello_builder.h"

namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint8_t kHandshake = 22, kChangeCipherSpec = 20, kAlert = 21, kApplicationData = 23;
constexpr uint8_t kServerHello = 2, kServerKeyExchange = 12, kServerHelloDone = 14;
constexpr uint16_t kAes256GcmSha384 = 0xc030, kAes128GcmSha256 = 0xc02f;

// Algorithms fetched once: OpenSSL 3.0 fetches are costly, and this is the client.
struct Algorithms {
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD* sha384 = EVP_MD_fetch(nullptr, "SHA384", nullptr);
  EVP_CIPHER* aes128gcm = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  EVP_CIPHER* aes256gcm = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  EVP_KDF* prf = EVP_KDF_fetch(nullptr, "TLS1-PRF", nullptr);
  EVP_PKEY* x25519 = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
  std::array<uint8_t, 32> x25519_public{};
  Algorithms() {
    size_t length = x25519_public.size();
    EVP_PKEY_get_raw_public_key(x25519, x25519_public.data(), &length);
  }
  ~Algorithms() {
    EVP_MD_free(sha256);
    EVP_MD_free(sha384);
    EVP_CIPHER_free(aes128gcm);
    EVP_CIPHER_free(aes256gcm);
    EVP_KDF_free(prf);
    EVP_PKEY_free(x25519);
  }
  bool ok() const { return sha256 && sha384 && aes128gcm && aes256gcm && prf && x25519; }
};

// RFC 5246 §5: PRF(secret, label, seed) of `length` bytes.
Bytes prf(const Algorithms& algorithms, const EVP_MD* digest, const Bytes& secret, std::string_view label,
          const Bytes& seed, size_t length) {
  Bytes out(length);
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> context(EVP_KDF_CTX_new(algorithms.prf),
                                                                    EVP_KDF_CTX_free);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(EVP_MD_get0_name(digest)), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, const_cast<uint8_t*>(secret.data()), secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, const_cast<char*>(label.data()), label.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, const_cast<uint8_t*>(seed.data()), seed.size()),
      OSSL_PARAM_construct_end()};
  if (!context || EVP_KDF_derive(context.get(), out.data(), out.size(), params) != 1) out.clear();
  return out;
}

Bytes digest_of(const EVP_MD* digest, const Bytes& data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &length, digest, nullptr);
  out.resize(length);
  return out;
}

// One direction's AES-GCM record protection (RFC 5288 §3: 4-byte salt from the
// key block, 8-byte explicit nonce = the sequence number).
struct RecordKeys {
  const EVP_CIPHER* cipher = nullptr;
  Bytes key, salt;
  uint64_t sequence = 0;

  std::array<uint8_t, 13> aad(uint8_t type, size_t length) const {
    std::array<uint8_t, 13> out{};
    for (int i = 0; i < 8; ++i) out[static_cast<size_t>(i)] = static_cast<uint8_t>(sequence >> (56 - 8 * i));
    out[8] = type;
    out[9] = 3;
    out[10] = 3;
    out[11] = static_cast<uint8_t>(length >> 8);
    out[12] = static_cast<uint8_t>(length);
    return out;
  }
  std::array<uint8_t, 12> nonce(const uint8_t* explicit_part) const {
    std::array<uint8_t, 12> out{};
    std::memcpy(out.data(), salt.data(), 4);
    std::memcpy(out.data() + 4, explicit_part, 8);
    return out;
  }

  // A whole record (header included) carrying `plaintext`.
  Bytes seal(uint8_t type, const Bytes& plaintext) {
    std::array<uint8_t, 8> explicit_nonce{};
    for (int i = 0; i < 8; ++i) explicit_nonce[static_cast<size_t>(i)] = static_cast<uint8_t>(sequence >> (56 - 8 * i));
    const size_t body = 8 + plaintext.size() + 16;
    Bytes record(5 + body);
    record[0] = type;
    record[1] = 3;
    record[2] = 3;
    record[3] = static_cast<uint8_t>(body >> 8);
    record[4] = static_cast<uint8_t>(body);
    std::copy(explicit_nonce.begin(), explicit_nonce.end(), record.begin() + 5);
    auto header = aad(type, plaintext.size());
    auto iv = nonce(explicit_nonce.data());
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> context(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int length = 0;
    bool ok = EVP_EncryptInit_ex2(context.get(), cipher, key.data(), iv.data(), nullptr) == 1 &&
              EVP_EncryptUpdate(context.get(), nullptr, &length, header.data(), static_cast<int>(header.size())) == 1 &&
              EVP_EncryptUpdate(context.get(), record.data() + 13, &length, plaintext.data(),
                                static_cast<int>(plaintext.size())) == 1 &&
              EVP_EncryptFinal_ex(context.get(), record.data() + 13 + length, &length) == 1 &&
              EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, 16, record.data() + 13 + plaintext.size()) == 1;
    ++sequence;
    return ok ? record : Bytes{};
  }

  // The plaintext of a record body, or nothing when it does not authenticate.
  std::optional<Bytes> open(uint8_t type, const uint8_t* body, size_t size) {
    if (size < 24) return std::nullopt;
    const size_t length = size - 24;
    auto header = aad(type, length);
    auto iv = nonce(body);
    Bytes plaintext(length);
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> context(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int out = 0;
    Bytes tag(body + 8 + length, body + size);
    bool ok = EVP_DecryptInit_ex2(context.get(), cipher, key.data(), iv.data(), nullptr) == 1 &&
              EVP_DecryptUpdate(context.get(), nullptr, &out, header.data(), static_cast<int>(header.size())) == 1 &&
              EVP_DecryptUpdate(context.get(), plaintext.data(), &out, body + 8, static_cast<int>(length)) == 1 &&
              EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()) == 1 &&
              EVP_DecryptFinal_ex(context.get(), plaintext.data() + out, &out) == 1;
    ++sequence;
    if (!ok) return std::nullopt;
    return plaintext;
  }
};

// Reads whole TLS records from a socket.
class RecordReader {
 public:
  explicit RecordReader(int fd) : fd_(fd) {}
  // false on EOF, error, or a record over 2^14 + 2048 bytes (RFC 5246 §6.2.3).
  bool next(uint8_t& type, Bytes& body) {
    while (true) {
      if (buffer_.size() >= 5) {
        const size_t length = static_cast<size_t>(buffer_[3]) << 8 | buffer_[4];
        if (length > (1u << 14) + 2048) return false;
        if (buffer_.size() >= 5 + length) {
          type = buffer_[0];
          body.assign(buffer_.begin() + 5, buffer_.begin() + 5 + static_cast<long>(length));
          buffer_.erase(buffer_.begin(), buffer_.begin() + 5 + static_cast<long>(length));
          return true;
        }
      }
      uint8_t chunk[16384];
      ssize_t got = read(fd_, chunk, sizeof chunk);
      if (got <= 0) return false;
      buffer_.insert(buffer_.end(), chunk, chunk + got);
    }
  }

 private:
  int fd_;
  Bytes buffer_;
};

bool write_all(int fd, const Bytes& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t wrote = write(fd, data.data() + sent, data.size() - sent);
    if (wrote <= 0) return false;
    sent += static_cast<size_t>(wrote);
  }
  return true;
}

// Sized up front and filled in place (GCC 12 mis-warns on inserts into tiny vectors).
Bytes handshake_message(uint8_t type, const Bytes& body) {
  Bytes out(4 + body.size());
  out[0] = type;
  out[1] = static_cast<uint8_t>(body.size() >> 16);
  out[2] = static_cast<uint8_t>(body.size() >> 8);
  out[3] = static_cast<uint8_t>(body.size());
  std::copy(body.begin(), body.end(), out.begin() + 4);
  return out;
}

Bytes plaintext_record(uint8_t type, const Bytes& body) {
  Bytes out(5 + body.size());
  out[0] = type;
  out[1] = 3;
  out[2] = 3;
  out[3] = static_cast<uint8_t>(body.size() >> 8);
  out[4] = static_cast<uint8_t>(body.size());
  std::copy(body.begin(), body.end(), out.begin() + 5);
  return out;
}

void append(Bytes& to, const Bytes& more) {
  const size_t at = to.size();
  to.resize(at + more.size());
  std::copy(more.begin(), more.end(), to.begin() + static_cast<long>(at));
}

bool one_call(const Algorithms& algorithms, uint16_t port, int n) {
  tc::wire::ClientHelloSpec spec;
  RAND_bytes(spec.random.data(), static_cast<int>(spec.random.size()));
  spec.cipher_suites = {kAes256GcmSha384, kAes128GcmSha256};
  spec.server_name = "sip.trunkcheck.invalid";
  spec.supported_groups = {tc::wire::group::x25519};
  spec.signature_algorithms = {tc::wire::sigalg::rsa_pss_rsae_sha256, tc::wire::sigalg::rsa_pkcs1_sha256};
  spec.session_ticket = false;
  const Bytes hello_record = tc::wire::build_client_hello(spec);
  if (hello_record.size() < 5) return false;

  int fd = tc::bench::connect_loopback(port);
  if (fd < 0) return false;
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  if (!write_all(fd, hello_record)) return false;

  // The transcript: every handshake message, without record headers.
  Bytes transcript(hello_record.begin() + 5, hello_record.end());
  Bytes server_random, server_public;
  uint16_t suite = 0;
  RecordReader reader(fd);
  Bytes pending;  // handshake bytes not yet split into messages
  bool done = false;
  uint8_t type = 0;
  Bytes body;
  while (!done) {
    if (!reader.next(type, body) || type != kHandshake) return false;
    append(pending, body);
    while (pending.size() >= 4) {
      const size_t length = static_cast<size_t>(pending[1]) << 16 | static_cast<size_t>(pending[2]) << 8 | pending[3];
      if (pending.size() < 4 + length) break;
      const uint8_t* message = pending.data() + 4;
      if (pending[0] == kServerHello && length >= 38) {
        server_random.assign(message + 2, message + 34);
        const size_t session_id = message[34];
        if (length < 35 + session_id + 2) return false;
        suite = static_cast<uint16_t>(message[35 + session_id] << 8 | message[36 + session_id]);
      } else if (pending[0] == kServerKeyExchange) {
        // ECParameters (named_curve 3, group 2) then the point: length 1 + bytes.
        if (length < 36 || message[0] != 3 || (message[1] << 8 | message[2]) != tc::wire::group::x25519 || message[3] != 32) {
          return false;
        }
        server_public.assign(message + 4, message + 36);
      } else if (pending[0] == kServerHelloDone) {
        done = true;
      }
      append(transcript, Bytes(pending.begin(), pending.begin() + 4 + static_cast<long>(length)));
      pending.erase(pending.begin(), pending.begin() + 4 + static_cast<long>(length));
    }
  }
  if (server_random.size() != 32 || server_public.size() != 32) return false;
  const bool sha384 = suite == kAes256GcmSha384;
  if (!sha384 && suite != kAes128GcmSha256) return false;
  const EVP_MD* digest = sha384 ? algorithms.sha384 : algorithms.sha256;
  const size_t key_length = sha384 ? 32 : 16;

  // The shared secret with the server's fresh X25519 key.
  Bytes premaster(32);
  {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> peer(
        EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, server_public.data(), server_public.size()),
        EVP_PKEY_free);
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(
        EVP_PKEY_CTX_new_from_pkey(nullptr, algorithms.x25519, nullptr), EVP_PKEY_CTX_free);
    size_t length = premaster.size();
    if (!peer || !context || EVP_PKEY_derive_init(context.get()) != 1 ||
        EVP_PKEY_derive_set_peer(context.get(), peer.get()) != 1 ||
        EVP_PKEY_derive(context.get(), premaster.data(), &length) != 1 || length != 32) {
      return false;
    }
  }
  Bytes key_exchange(33);
  key_exchange[0] = 32;
  std::copy(algorithms.x25519_public.begin(), algorithms.x25519_public.end(), key_exchange.begin() + 1);
  const Bytes client_key_exchange = handshake_message(16, key_exchange);
  append(transcript, client_key_exchange);

  // RFC 7627: the master secret over the session hash (through ClientKeyExchange).
  const Bytes master = prf(algorithms, digest, premaster, "extended master secret", digest_of(digest, transcript), 48);
  Bytes randoms(server_random);
  append(randoms, Bytes(spec.random.begin(), spec.random.end()));
  const Bytes block = prf(algorithms, digest, master, "key expansion", randoms, 2 * key_length + 8);
  if (master.size() != 48 || block.size() != 2 * key_length + 8) return false;
  const EVP_CIPHER* cipher = sha384 ? algorithms.aes256gcm : algorithms.aes128gcm;
  RecordKeys client{cipher, Bytes(block.begin(), block.begin() + static_cast<long>(key_length)),
                    Bytes(block.begin() + static_cast<long>(2 * key_length), block.begin() + static_cast<long>(2 * key_length + 4))};
  RecordKeys server{cipher,
                    Bytes(block.begin() + static_cast<long>(key_length), block.begin() + static_cast<long>(2 * key_length)),
                    Bytes(block.begin() + static_cast<long>(2 * key_length + 4), block.end())};

  const Bytes verify = prf(algorithms, digest, master, "client finished", digest_of(digest, transcript), 12);
  Bytes flight = plaintext_record(kHandshake, client_key_exchange);
  append(flight, plaintext_record(kChangeCipherSpec, Bytes(1, 1)));
  Bytes finished = client.seal(kHandshake, handshake_message(20, verify));
  append(flight, finished);
  if (finished.empty() || !write_all(fd, flight)) return false;

  // The server's ChangeCipherSpec and Finished (which must authenticate).
  if (!reader.next(type, body) || type != kChangeCipherSpec) return false;
  if (!reader.next(type, body) || type != kHandshake || !server.open(type, body.data(), body.size())) return false;

  const std::string request = tc::bench::options_request(n);
  if (!write_all(fd, client.seal(kApplicationData, Bytes(request.begin(), request.end())))) return false;
  std::string answer;
  while (answer.find("\r\n\r\n") == std::string::npos) {
    if (!reader.next(type, body) || type != kApplicationData) return false;
    auto plaintext = server.open(type, body.data(), body.size());
    if (!plaintext) return false;
    answer.append(plaintext->begin(), plaintext->end());
  }
  Bytes close_notify(2);
  close_notify[0] = 1;  // warning, close_notify(0)
  write_all(fd, client.seal(kAlert, close_notify));
  return tc::bench::is_200(answer);
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tc::bench::parse_load_args(argc, argv, "tc_listen_load_raw");
  if (!args) return 2;
  Algorithms algorithms;
  if (!algorithms.ok()) {
    std::fprintf(stderr, "tc_listen_load_raw: OpenSSL lacks SHA-256/384, AES-GCM, TLS1-PRF or X25519\n");
    return 2;
  }
  return tc::bench::run_load(*args, [&](int n) { return one_call(algorithms, args->port, n); });
}
