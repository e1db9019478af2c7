#include "input.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace scap {

namespace {
// One read: large enough that per-call overhead vanishes, small enough to stay in cache.
constexpr size_t kChunk = 1u << 20;
// Room in front of each chunk for the unread tail of the previous one (a partial block).
constexpr size_t kHead = 256u << 10;
// Chunks in flight between the producer thread and the decoder.
constexpr int kChunks = 4;
// Inflated bytes between gzip access points: re-reading any event inflates at most this much,
// and the points cost 32 KB each (0.8 % of the inflated size).
constexpr uint64_t kGzipSpan = 4u << 20;
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
  {
    std::lock_guard<std::mutex> lk(mu_);
    points_.clear();
  }
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error_ = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  unsigned char magic[2] = {0, 0};
  size_t got = std::fread(magic, 1, 2, f);
  std::fclose(f);
  compressed_ = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  if (compressed_) {
    // Our own inflater: it records access points for re-reading events later (gzstream.h).
    gzs_ = std::make_unique<GzStream>();
    if (!gzs_->open(path, kGzipSpan)) {
      error_ = gzs_->error();
      gzs_.reset();
      return false;
    }
  } else {
    gz_ = gzopen(path.c_str(), "rb");
    if (gz_ == nullptr) {
      error_ = "cannot open " + path + ": " + std::strerror(errno);
      return false;
    }
    gzbuffer(gz_, 1u << 18);
  }
  stop_ = false;
  producedAll_ = false;
  eof_ = false;
  for (int i = 0; i < kChunks; i++) spare_.push_back(Chunk{std::vector<uint8_t>(kHead + kChunk), 0});
  producer_ = std::thread([this] { produce(); });
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
  gzs_.reset();
  cur_ = Chunk{};
  onChunk_ = false;
  big_ = std::vector<uint8_t>();
  buf_ = nullptr;
  pos_ = end_ = 0;
  eof_ = true;
}

std::vector<uint8_t> Input::gzipIndex() {
  std::lock_guard<std::mutex> lk(mu_);
  if (!compressed_) return {};
  return serializePoints(points_);
}

uint64_t Input::bytesConsumed() const {
  if (!compressed_) return offset();
  return rawOffset_.load(std::memory_order_relaxed);
}

// Runs on the producer thread: the only user of gz_ and gzs_ until close() joins it.
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
    std::string err;
    std::vector<GzPoint> pts;
    long r = 0;
    if (gzs_) {
      r = gzs_->read(c.data.data() + kHead, kChunk);
      pts = gzs_->takePoints();
      rawOffset_.store(gzs_->consumed(), std::memory_order_relaxed);
      if (r < 0) err = gzs_->error();
    } else {
      r = gzread(gz_, c.data.data() + kHead, static_cast<unsigned>(kChunk));
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
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      for (auto& p : pts) points_.push_back(std::move(p));
      if (r > 0) {
        c.size = static_cast<size_t>(r);
        ready_.push_back(std::move(c));
      } else {
        spare_.push_back(std::move(c));
        producerError_ = err;
        producedAll_ = true;
      }
    }
    cv_.notify_all();
    if (r <= 0) return;
  }
}

bool Input::take(Chunk& c) {
  std::unique_lock<std::mutex> lk(mu_);
  cv_.wait(lk, [this] { return !ready_.empty() || producedAll_ || stop_; });
  if (ready_.empty()) {
    error_ = producerError_;
    return false;
  }
  c = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

void Input::giveBack(Chunk&& c) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    spare_.push_back(std::move(c));
  }
  cv_.notify_all();
}

bool Input::fill(size_t n) {
  while (end_ - pos_ < n) {
    if (eof_) return false;
    Chunk next;
    if (!take(next)) {
      eof_ = true;
      return false;
    }
    const size_t tail = end_ - pos_;
    const uint64_t off = base_ + pos_;
    if (tail <= kHead) {
      // Usual case: carry the partial block into the new chunk's headroom.
      uint8_t* dst = next.data.data() + kHead - tail;
      if (tail != 0) std::memcpy(dst, buf_ + pos_, tail);
      if (onChunk_) giveBack(std::move(cur_));
      big_.clear();
      cur_ = std::move(next);
      onChunk_ = true;
      buf_ = cur_.data.data();
      pos_ = kHead - tail;
      end_ = kHead + cur_.size;
    } else {
      // A block longer than the headroom: gather it in the side buffer.
      if (onChunk_) {
        big_.assign(buf_ + pos_, buf_ + end_);
        giveBack(std::move(cur_));
        onChunk_ = false;
      } else {
        big_.erase(big_.begin(), big_.begin() + static_cast<std::ptrdiff_t>(pos_));
      }
      big_.insert(big_.end(), next.data.data() + kHead, next.data.data() + kHead + next.size);
      giveBack(std::move(next));
      buf_ = big_.data();
      pos_ = 0;
      end_ = big_.size();
    }
    base_ = off - pos_;
  }
  return true;
}

}  // namespace scap
