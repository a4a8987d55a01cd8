#pragma once
// The one reader for untrusted bytes (in the style of BoringSSL's CBS): every
// read checks the remaining length first and either consumes exactly what it
// returns or nothing at all. Integers are assembled byte by byte, never by
// casting a pointer to a wider type.
#include <cstddef>
#include <cstdint>
#include <span>

namespace tc::wire {

class ByteCursor {
 public:
  ByteCursor() = default;
  ByteCursor(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  explicit ByteCursor(std::span<const uint8_t> bytes) : data_(bytes.data()), size_(bytes.size()) {}

  [[nodiscard]] size_t remaining() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] const uint8_t* data() const { return data_; }
  [[nodiscard]] std::span<const uint8_t> span() const { return {data_, size_}; }

  [[nodiscard]] bool skip(size_t n) {
    if (size_ < n) return false;
    advance(n);
    return true;
  }
  [[nodiscard]] bool read_u8(uint8_t& out) { return read_be(1, out); }
  [[nodiscard]] bool read_u16(uint16_t& out) { return read_be(2, out); }
  [[nodiscard]] bool read_u24(uint32_t& out) { return read_be(3, out); }
  [[nodiscard]] bool read_u32(uint32_t& out) { return read_be(4, out); }
  // Little-endian reads, for pcap/pcapng headers written by a little-endian host.
  [[nodiscard]] bool read_u16_le(uint16_t& out) { return read_le(2, out); }
  [[nodiscard]] bool read_u32_le(uint32_t& out) { return read_le(4, out); }

  // A sub-cursor over the next n bytes.
  [[nodiscard]] bool read_bytes(size_t n, ByteCursor& out) {
    if (size_ < n) return false;
    out = ByteCursor(data_, n);
    advance(n);
    return true;
  }
  [[nodiscard]] bool read_bytes(size_t n, std::span<const uint8_t>& out) {
    if (size_ < n) return false;
    out = {data_, n};
    advance(n);
    return true;
  }
  // opaque x<0..2^8-1> and friends: a length prefix then that many bytes.
  [[nodiscard]] bool read_u8_length_prefixed(ByteCursor& out) { return read_prefixed(1, out); }
  [[nodiscard]] bool read_u16_length_prefixed(ByteCursor& out) { return read_prefixed(2, out); }
  [[nodiscard]] bool read_u24_length_prefixed(ByteCursor& out) { return read_prefixed(3, out); }

  // Peeks without consuming.
  [[nodiscard]] bool peek_u8(size_t at, uint8_t& out) const {
    if (at >= size_) return false;
    out = data_[at];
    return true;
  }

 private:
  void advance(size_t n) {
    data_ += n;
    size_ -= n;
  }
  template <typename T>
  [[nodiscard]] bool read_be(size_t n, T& out) {
    if (size_ < n) return false;
    uint32_t value = 0;
    for (size_t i = 0; i < n; ++i) value = (value << 8) | data_[i];
    out = static_cast<T>(value);
    advance(n);
    return true;
  }
  template <typename T>
  [[nodiscard]] bool read_le(size_t n, T& out) {
    if (size_ < n) return false;
    uint32_t value = 0;
    for (size_t i = n; i-- > 0;) value = (value << 8) | data_[i];
    out = static_cast<T>(value);
    advance(n);
    return true;
  }
  [[nodiscard]] bool read_prefixed(size_t prefix, ByteCursor& out) {
    ByteCursor saved = *this;
    uint32_t length = 0;
    if (!read_be(prefix, length) || !read_bytes(length, out)) {
      *this = saved;
      return false;
    }
    return true;
  }

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Plain big/little-endian loads for code that has already checked the length
// (hot paths in link/IP/TCP decoding).
inline uint16_t load_be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t load_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline uint16_t load_le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
inline uint32_t load_le32(const uint8_t* p) {
  return (uint32_t{p[3]} << 24) | (uint32_t{p[2]} << 16) | (uint32_t{p[1]} << 8) | p[0];
}

}  // namespace tc::wire
