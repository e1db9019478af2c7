#include "gzstream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace scap {

namespace {
constexpr size_t kInBuf = 256u << 10;
constexpr uint32_t kWindow = 32768;
constexpr uint8_t kMagic[4] = {'G', 'Z', 'X', '1'};

void putU32(std::vector<uint8_t>& v, uint32_t x) {
  for (int i = 0; i < 4; i++) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}
void putU64(std::vector<uint8_t>& v, uint64_t x) {
  for (int i = 0; i < 8; i++) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}
uint64_t getLe(const uint8_t* p, int n) {
  uint64_t x = 0;
  for (int i = n - 1; i >= 0; i--) x = (x << 8) | p[i];
  return x;
}
}  // namespace

std::vector<uint8_t> serializePoints(const std::vector<GzPoint>& points) {
  std::vector<uint8_t> v(kMagic, kMagic + 4);
  putU32(v, static_cast<uint32_t>(points.size()));
  for (const GzPoint& p : points) {
    putU64(v, p.in);
    putU64(v, p.out);
    putU32(v, static_cast<uint32_t>(p.bits));
    putU32(v, static_cast<uint32_t>(p.window.size()));
    v.insert(v.end(), p.window.begin(), p.window.end());
  }
  return v;
}

bool parsePoints(const uint8_t* data, size_t len, std::vector<GzPoint>& points) {
  points.clear();
  if (len == 0) return true;
  if (len < 8 || std::memcmp(data, kMagic, 4) != 0) return false;
  const uint64_t n = getLe(data + 4, 4);
  size_t pos = 8;
  for (uint64_t i = 0; i < n; i++) {
    if (len - pos < 24) return false;
    GzPoint p;
    p.in = getLe(data + pos, 8);
    p.out = getLe(data + pos + 8, 8);
    p.bits = static_cast<int>(getLe(data + pos + 16, 4));
    const uint64_t w = getLe(data + pos + 20, 4);
    pos += 24;
    if (p.bits < 0 || p.bits > 7 || w > kWindow || len - pos < w) return false;
    p.window.assign(data + pos, data + pos + w);
    pos += w;
    if (!points.empty() && p.out < points.back().out) return false;
    points.push_back(std::move(p));
  }
  return true;
}

GzStream::~GzStream() {
  if (init_) inflateEnd(&zs_);
  if (f_ != nullptr) std::fclose(f_);
}

bool GzStream::start(const std::string& path, int windowBits) {
  f_ = std::fopen(path.c_str(), "rb");
  if (f_ == nullptr) {
    error_ = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  in_.resize(kInBuf);
  zs_.next_in = in_.data();
  zs_.avail_in = 0;
  if (inflateInit2(&zs_, windowBits) != Z_OK) {
    error_ = "gzip: cannot initialise zlib";
    return false;
  }
  init_ = true;
  return true;
}

bool GzStream::open(const std::string& path, uint64_t span) {
  // 31: a gzip wrapper (header and trailer checked by zlib).
  if (!start(path, 31)) return false;
  atMember_ = true;
  span_ = span;
  return true;
}

bool GzStream::openAt(const std::string& path, const GzPoint& p) {
  // -15: raw deflate, resuming mid-member; the wrapper is handled by hand at the member's end.
  if (!start(path, -15)) return false;
  raw_ = true;
  const uint64_t start = p.in - (p.bits != 0 ? 1 : 0);
  if (fseeko(f_, static_cast<off_t>(start), SEEK_SET) != 0) {
    error_ = std::string("gzip: seek failed: ") + std::strerror(errno);
    return false;
  }
  inBase_ = start;
  if (p.bits != 0) {
    const int c = std::fgetc(f_);
    if (c == EOF) {
      error_ = "gzip: access point past the end of the file";
      return false;
    }
    inBase_ = p.in;
    inflatePrime(&zs_, p.bits, c >> (8 - p.bits));
  }
  if (!p.window.empty() &&
      inflateSetDictionary(&zs_, p.window.data(), static_cast<uInt>(p.window.size())) != Z_OK) {
    error_ = "gzip: bad access point";
    return false;
  }
  out_ = p.out;
  return true;
}

bool GzStream::refill() {
  if (eof_) return false;
  const size_t keep = zs_.avail_in;
  const size_t used = static_cast<size_t>(zs_.next_in - in_.data());
  inBase_ += used;
  if (keep != 0) std::memmove(in_.data(), zs_.next_in, keep);
  const size_t got = std::fread(in_.data() + keep, 1, in_.size() - keep, f_);
  if (got == 0) {
    if (std::ferror(f_)) error_ = std::string("read error: ") + std::strerror(errno);
    eof_ = true;
  }
  zs_.next_in = in_.data();
  zs_.avail_in = static_cast<uInt>(keep + got);
  return got != 0;
}

// Between members: another gzip header continues the stream; anything else ends it.
bool GzStream::startMember() {
  while (zs_.avail_in < 2 && refill()) {
  }
  if (zs_.avail_in >= 2 && zs_.next_in[0] == 0x1f && zs_.next_in[1] == 0x8b) {
    if (inflateReset2(&zs_, 31) != Z_OK) {
      error_ = "gzip: cannot reset zlib";
      return false;
    }
    atMember_ = false;
    return true;
  }
  ended_ = true;
  return false;
}

void GzStream::maybeRecord() {
  if (span_ == 0) return;
  // 128: stopped at a block boundary; 64: that block was the member's last (no boundary after).
  if ((zs_.data_type & 128) == 0 || (zs_.data_type & 64) != 0) return;
  if (out_ - lastPoint_ < span_) return;
  GzPoint p;
  p.in = consumed();
  p.out = out_;
  p.bits = zs_.data_type & 7;
  p.window.resize(kWindow);
  uInt wlen = kWindow;
  if (inflateGetDictionary(&zs_, p.window.data(), &wlen) != Z_OK) return;
  p.window.resize(wlen);
  points_.push_back(std::move(p));
  lastPoint_ = out_;
}

long GzStream::read(uint8_t* dst, size_t cap) {
  if (!error_.empty()) return -1;
  if (ended_ || cap == 0) return 0;
  zs_.next_out = dst;
  zs_.avail_out = static_cast<uInt>(std::min<size_t>(cap, 1u << 30));
  const uInt want = zs_.avail_out;
  while (zs_.avail_out > 0 && error_.empty()) {
    if (skip_ > 0) {
      if (zs_.avail_in == 0 && !refill()) {
        if (error_.empty()) error_ = "gzip: unexpected end of file";
        break;
      }
      const size_t n = std::min<size_t>(skip_, zs_.avail_in);
      zs_.next_in += n;
      zs_.avail_in -= static_cast<uInt>(n);
      skip_ -= n;
      continue;
    }
    if (atMember_ && !startMember()) break;
    if (zs_.avail_in == 0 && !refill()) {
      if (error_.empty()) error_ = "gzip: unexpected end of file";
      break;
    }
    const uInt before = zs_.avail_out;
    const int r = inflate(&zs_, Z_BLOCK);
    out_ += before - zs_.avail_out;
    if (r == Z_STREAM_END) {
      // A raw resume knows nothing of the wrapper: step over the member's CRC and size.
      if (raw_) skip_ = 8;
      raw_ = false;
      atMember_ = true;
      continue;
    }
    if (r == Z_BUF_ERROR && zs_.avail_in == 0) continue;
    if (r != Z_OK) {
      error_ = std::string("gzip: ") + (zs_.msg != nullptr ? zs_.msg : "inflate error");
      break;
    }
    maybeRecord();
  }
  const size_t n = want - zs_.avail_out;
  if (n > 0) return static_cast<long>(n);
  return error_.empty() ? 0 : -1;
}

std::vector<GzPoint> GzStream::takePoints() {
  std::vector<GzPoint> out;
  out.swap(points_);
  return out;
}

bool gzReadRange(const std::string& path, const uint8_t* index, size_t indexLen, uint64_t offset,
                 size_t length, std::vector<uint8_t>& out, std::string& error) {
  std::vector<GzPoint> points;
  if (!parsePoints(index, indexLen, points)) {
    error = "gzip: malformed access index";
    return false;
  }
  // The last point at or before the offset.
  auto it = std::upper_bound(points.begin(), points.end(), offset,
                             [](uint64_t off, const GzPoint& p) { return off < p.out; });
  GzStream s;
  const bool ok = it == points.begin() ? s.open(path, 0) : s.openAt(path, *(it - 1));
  if (!ok) {
    error = s.error();
    return false;
  }
  std::vector<uint8_t> scratch(64u << 10);
  while (s.produced() < offset) {
    const uint64_t gap = offset - s.produced();
    const long r = s.read(scratch.data(), static_cast<size_t>(std::min<uint64_t>(gap, scratch.size())));
    if (r < 0) {
      error = s.error();
      return false;
    }
    if (r == 0) {
      out.clear();
      return true;
    }
  }
  out.resize(length);
  size_t got = 0;
  while (got < length) {
    const long r = s.read(out.data() + got, length - got);
    if (r < 0) {
      // Bytes before damage are still good: hand them back, as the reader does.
      break;
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  out.resize(got);
  return true;
}

bool gzBuildIndex(const std::string& path, uint64_t span, std::vector<GzPoint>& points,
                  std::string& error) {
  GzStream s;
  if (!s.open(path, span)) {
    error = s.error();
    return false;
  }
  std::vector<uint8_t> scratch(1u << 20);
  for (;;) {
    const long r = s.read(scratch.data(), scratch.size());
    if (r == 0) break;
    if (r < 0) {
      // Points before the damage stay valid.
      error = s.error();
      break;
    }
  }
  points = s.takePoints();
  return true;
}

}  // namespace scap
