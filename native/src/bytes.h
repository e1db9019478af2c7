// Little-endian loads and a bounds-checked cursor over one block body.
// Capture bytes are hostile: every read goes through Cursor, which never reads past its end.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace scap {

// memcpy loads compile to single moves on x86/arm64 and are safe on unaligned data.
inline uint16_t ld16(const uint8_t* p) { uint16_t v; std::memcpy(&v, p, 2); return v; }
inline uint32_t ld32(const uint8_t* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
inline uint64_t ld64(const uint8_t* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }

class Cursor {
 public:
  Cursor(const uint8_t* begin, size_t len) : p_(begin), begin_(begin), end_(begin + len) {}
  size_t left() const { return static_cast<size_t>(end_ - p_); }
  size_t pos() const { return static_cast<size_t>(p_ - begin_); }
  const uint8_t* ptr() const { return p_; }
  bool has(size_t n) const { return left() >= n; }
  // Each getter returns false (and reads nothing) when fewer than the needed bytes remain.
  bool u8(uint8_t& v) { if (!has(1)) return false; v = *p_++; return true; }
  bool u16(uint16_t& v) { if (!has(2)) return false; v = ld16(p_); p_ += 2; return true; }
  bool u32(uint32_t& v) { if (!has(4)) return false; v = ld32(p_); p_ += 4; return true; }
  bool u64(uint64_t& v) { if (!has(8)) return false; v = ld64(p_); p_ += 8; return true; }
  bool i64(int64_t& v) { uint64_t u; if (!u64(u)) return false; v = static_cast<int64_t>(u); return true; }
  bool bytes(size_t n, const uint8_t*& out) { if (!has(n)) return false; out = p_; p_ += n; return true; }
  bool skip(size_t n) { if (!has(n)) return false; p_ += n; return true; }
  // u16 length + that many bytes (no terminator on disk).
  bool u16str(std::string& s, size_t maxLen, bool& tooLong) {
    uint16_t n;
    tooLong = false;
    if (!u16(n)) return false;
    if (n > maxLen) { tooLong = true; return false; }
    const uint8_t* b;
    if (!bytes(n, b)) return false;
    s.assign(reinterpret_cast<const char*>(b), n);
    return true;
  }

 private:
  const uint8_t* p_;
  const uint8_t* begin_;
  const uint8_t* end_;
};

}  // namespace scap
