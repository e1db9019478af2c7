#include "input.h"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace scap {

namespace {
// Reads are issued in chunks of this size: large enough that per-call overhead vanishes, small
// enough to stay in L2/L3 while the decoder walks it.
constexpr size_t kChunk = 1u << 20;
// Chunks in flight between the producer thread and the decoder.
constexpr int kChunks = 4;
}  // namespace

Input::~Input() { close(); }

bool Input::open(const std::string& path) {
  close();
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    error_ = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    error_ = "cannot open " + path + ": is a directory";
    return false;
  }
  fileSize_ = static_cast<uint64_t>(st.st_size);
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error_ = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  unsigned char magic[2] = {0, 0};
  size_t got = std::fread(magic, 1, 2, f);
  std::fclose(f);
  compressed_ = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  gz_ = gzopen(path.c_str(), "rb");
  if (gz_ == nullptr) {
    error_ = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  gzbuffer(gz_, 1u << 18);
  for (int i = 0; i < kChunks; i++) spare_.push_back(Chunk{std::vector<uint8_t>(kChunk), 0});
  producer_ = std::thread([this] { produce(); });
  cap_ = 2 * kChunk;
  buf_ = static_cast<uint8_t*>(std::malloc(cap_));
  if (buf_ == nullptr) {
    error_ = "out of memory";
    close();
    return false;
  }
  return true;
}

void Input::close() {
  if (producer_.joinable()) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    producer_.join();
  }
  ready_.clear();
  spare_.clear();
  if (gz_ != nullptr) gzclose(gz_);
  gz_ = nullptr;
  std::free(buf_);
  buf_ = nullptr;
  cap_ = pos_ = end_ = 0;
}

uint64_t Input::bytesConsumed() const {
  if (!compressed_) return offset();
  return rawOffset_.load(std::memory_order_relaxed);
}

// Runs on the producer thread: the only user of gz_ until close() joins it.
void Input::produce() {
  for (;;) {
    Chunk c;
    {
      std::unique_lock<std::mutex> lk(mu_);
      cv_.wait(lk, [this] { return stop_ || !spare_.empty(); });
      if (stop_) return;
      c = std::move(spare_.back());
      spare_.pop_back();
    }
    int r = gzread(gz_, c.data.data(), static_cast<unsigned>(c.data.size()));
    std::string err;
    if (r < 0) {
      int errnum = 0;
      const char* msg = gzerror(gz_, &errnum);
      err = std::string("read error: ") + (errnum == Z_ERRNO ? std::strerror(errno) : msg);
    } else if (r == 0) {
      int errnum = 0;
      const char* msg = gzerror(gz_, &errnum);
      // Z_BUF_ERROR at the end means the gzip stream was cut short.
      if (errnum != Z_OK) err = std::string("gzip: ") + msg;
    }
    z_off_t raw = gzoffset(gz_);
    if (raw >= 0) rawOffset_.store(static_cast<uint64_t>(raw), std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (r > 0) {
        c.size = static_cast<size_t>(r);
        ready_.push_back(std::move(c));
      } else {
        spare_.push_back(std::move(c));
        producerError_ = err;
        produced_all_ = true;
      }
    }
    cv_.notify_all();
    if (r <= 0) return;
  }
}

bool Input::fill(size_t n) {
  if (gz_ == nullptr) return false;
  // Slide the unread tail to the front, then grow if a single request exceeds the buffer.
  if (pos_ > 0) {
    std::memmove(buf_, buf_ + pos_, end_ - pos_);
    end_ -= pos_;
    base_ += pos_;
    pos_ = 0;
  }
  if (n + kChunk > cap_) {
    size_t ncap = cap_;
    while (n + kChunk > ncap) ncap *= 2;
    auto* nb = static_cast<uint8_t*>(std::realloc(buf_, ncap));
    if (nb == nullptr) {
      error_ = "out of memory for a block of " + std::to_string(n) + " bytes";
      return false;
    }
    buf_ = nb;
    cap_ = ncap;
  }
  while (end_ < n && !eof_) {
    Chunk c;
    {
      std::unique_lock<std::mutex> lk(mu_);
      cv_.wait(lk, [this] { return !ready_.empty() || produced_all_; });
      if (ready_.empty()) {
        error_ = producerError_;
        eof_ = true;
        break;
      }
      c = std::move(ready_.front());
      ready_.pop_front();
    }
    if (end_ + c.size > cap_) {
      size_t ncap = cap_;
      while (end_ + c.size > ncap) ncap *= 2;
      auto* nb = static_cast<uint8_t*>(std::realloc(buf_, ncap));
      if (nb == nullptr) {
        error_ = "out of memory";
        eof_ = true;
        break;
      }
      buf_ = nb;
      cap_ = ncap;
    }
    std::memcpy(buf_ + end_, c.data.data(), c.size);
    end_ += c.size;
    {
      std::lock_guard<std::mutex> lk(mu_);
      spare_.push_back(std::move(c));
    }
    cv_.notify_all();
  }
  return end_ >= n;
}

}  // namespace scap
