// Streaming byte source over a plain or gzip capture. zlib's gzread passes non-gzip files
// through unchanged and follows concatenated gzip members, so one code path serves both.
//
// A producer thread reads (and inflates) ahead into a few fixed chunks, so decompression
// overlaps decoding and whatever the caller does with the batches. The decoder reads straight
// from the chunk it is on: each chunk keeps free headroom in front of its data, and when the
// decoder moves on, the unread tail of the old chunk (a partial block) is copied into that
// headroom so every block is contiguous without copying the stream. Blocks larger than a chunk
// fall back to a growable side buffer. Memory held: the chunks plus that buffer, never the file.
#pragma once
#include <zlib.h>

#include "gzstream.h"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace scap {

class Input {
 public:
  Input() = default;
  ~Input();
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  // Opens the file; on failure returns false and sets error().
  bool open(const std::string& path);
  void close();

  // Makes at least n bytes available at data(). False when the stream ends (or fails) first;
  // then available() tells how many bytes there are. Invalidates earlier data() pointers.
  bool ensure(size_t n) {
    if (end_ - pos_ >= n) return true;
    return fill(n);
  }
  const uint8_t* data() const { return buf_ + pos_; }
  size_t available() const { return end_ - pos_; }
  void advance(size_t n) { pos_ += n; }
  // Offset of data() in the decompressed stream.
  uint64_t offset() const { return base_ + pos_; }

  bool compressed() const { return compressed_; }
  uint64_t fileSize() const { return fileSize_; }
  // Bytes of the file consumed: compressed position for gzip, stream position otherwise.
  uint64_t bytesConsumed() const;
  // Gzip access points recorded so far (serialised, see gzstream.h); empty for plain files.
  std::vector<uint8_t> gzipIndex();
  // zlib or OS error text, empty when the stream simply ended.
  const std::string& error() const { return error_; }

 private:
  struct Chunk {
    std::vector<uint8_t> data;  // headroom, then up to one read
    size_t size = 0;            // bytes read after the headroom
  };
  bool fill(size_t n);
  bool take(Chunk& c);
  void giveBack(Chunk&& c);
  void produce();

  // Shared with the producer thread (guarded by mu_).
  std::thread producer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Chunk> ready_;
  std::vector<Chunk> spare_;
  bool producedAll_ = false;
  bool stop_ = false;
  std::string producerError_;
  std::atomic<uint64_t> rawOffset_{0};
  gzFile gz_ = nullptr;  // plain files; used by the producer only, until close() joins it
  std::unique_ptr<GzStream> gzs_;  // gzip files; the producer's, like gz_
  std::vector<GzPoint> points_;    // access points handed over by the producer (guarded by mu_)

  // Decoder side. buf_ points into cur_ or big_; base_ is the stream offset of buf_[0]
  // (modular arithmetic: it may "precede" the stream start).
  Chunk cur_;
  bool onChunk_ = false;
  std::vector<uint8_t> big_;
  const uint8_t* buf_ = nullptr;
  size_t pos_ = 0;
  size_t end_ = 0;
  uint64_t base_ = 0;
  bool eof_ = false;
  bool compressed_ = false;
  uint64_t fileSize_ = 0;
  std::string error_;
};

}  // namespace scap
