// Gzip inflation with random access, the way zlib's examples/zran.c and Wireshark's wiretap do
// it: while a capture is read once from start to end, an access point is recorded every few MB
// of output at a deflate block boundary (compressed position, pending bits, the 32 KB window).
// Later, any byte range can be inflated again starting from the nearest point before it,
// instead of from the start of the file or from a copy of the whole inflated stream in memory.
//
// Concatenated gzip members (what `cat a.gz b.gz` makes) are followed, as gzread does; bytes
// after the last member that are not another gzip header are ignored.
#pragma once
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace scap {

struct GzPoint {
  uint64_t in = 0;   // compressed offset of the first byte not fully consumed
  uint64_t out = 0;  // inflated offset at this point
  int bits = 0;      // bits of the byte before `in` still to be consumed (0..7)
  std::vector<uint8_t> window;  // the inflater's dictionary (up to 32 KB)
};

// Serialised access points: "GZX1", u32 count, then per point u64 in, u64 out, u32 bits,
// u32 window length, window bytes (little-endian). Opaque to JavaScript.
std::vector<uint8_t> serializePoints(const std::vector<GzPoint>& points);
bool parsePoints(const uint8_t* data, size_t len, std::vector<GzPoint>& points);

class GzStream {
 public:
  GzStream() = default;
  ~GzStream();
  GzStream(const GzStream&) = delete;
  GzStream& operator=(const GzStream&) = delete;

  // Opens the file at its start (gzip header expected there). `span`: inflated bytes between
  // recorded access points (0: record none).
  bool open(const std::string& path, uint64_t span);
  // Opens the file positioned at an access point (raw deflate from there).
  bool openAt(const std::string& path, const GzPoint& p);

  // Inflates up to cap bytes into dst. Returns the count (0: end of stream), or -1 on error
  // (see error()): a cut-short stream is an error reported after every byte before the cut.
  long read(uint8_t* dst, size_t cap);

  uint64_t consumed() const { return inBase_ + (zs_.next_in - in_.data()); }
  uint64_t produced() const { return out_; }
  const std::string& error() const { return error_; }
  // Points recorded so far (open() with a span); taking them leaves the list empty.
  std::vector<GzPoint> takePoints();
  size_t pointCount() const { return points_.size(); }

 private:
  /** Opens the file and sets zlib up with `windowBits` (31: gzip wrapper, -15: raw deflate). */
  bool start(const std::string& path, int windowBits);
  bool refill();
  bool startMember();
  void maybeRecord();

  FILE* f_ = nullptr;
  z_stream zs_{};
  bool init_ = false;
  std::vector<uint8_t> in_;
  uint64_t inBase_ = 0;  // file offset of in_[0]
  uint64_t out_ = 0;
  bool eof_ = false;     // no more file bytes
  bool ended_ = false;   // stream finished (last member done)
  bool atMember_ = false;  // between members: a gzip header may follow
  bool raw_ = false;       // resumed at an access point: no wrapper parsing until the member ends
  size_t skip_ = 0;      // trailer bytes to step over before the next member (raw mode)
  uint64_t span_ = 0;
  uint64_t lastPoint_ = 0;
  std::vector<GzPoint> points_;
  std::string error_;
};

// Inflates [offset, offset + length) of a gzip file using serialised access points (may be
// empty: then from the start). Fewer bytes come back when the stream ends first.
bool gzReadRange(const std::string& path, const uint8_t* index, size_t indexLen, uint64_t offset,
                 size_t length, std::vector<uint8_t>& out, std::string& error);

// One pass over a gzip file recording access points every `span` inflated bytes.
bool gzBuildIndex(const std::string& path, uint64_t span, std::vector<GzPoint>& points,
                  std::string& error);

}  // namespace scap
