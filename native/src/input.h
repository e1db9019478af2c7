// Streaming byte source over a plain or gzip capture. zlib's gzread passes non-gzip files
// through unchanged and follows concatenated gzip members, so one code path serves both.
// A producer thread reads (and inflates) ahead into a few fixed chunks, so decompression
// overlaps decoding and whatever the caller does with the batches. Only a sliding window of
// the decompressed stream plus those chunks is held in memory.
#pragma once
#include <zlib.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
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
  // then available() tells how many bytes there are.
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
  // zlib or OS error text, empty when the stream simply ended.
  const std::string& error() const { return error_; }

 private:
  struct Chunk {
    std::vector<uint8_t> data;
    size_t size = 0;
  };
  bool fill(size_t n);
  void produce();

  // Producer side (guarded by mu_).
  std::thread producer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Chunk> ready_;
  std::vector<Chunk> spare_;
  bool produced_all_ = false;
  bool stop_ = false;
  std::string producerError_;
  std::atomic<uint64_t> rawOffset_{0};

  gzFile gz_ = nullptr;
  uint8_t* buf_ = nullptr;
  size_t cap_ = 0;
  size_t pos_ = 0;
  size_t end_ = 0;
  uint64_t base_ = 0;
  bool eof_ = false;
  bool compressed_ = false;
  uint64_t fileSize_ = 0;
  std::string error_;
};

}  // namespace scap
