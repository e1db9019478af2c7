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
  if (gz_ != nullptr) gzclose(gz_);
  gz_ = nullptr;
  std::free(buf_);
  buf_ = nullptr;
  cap_ = pos_ = end_ = 0;
}

uint64_t Input::bytesConsumed() const {
  if (!compressed_ || gz_ == nullptr) return offset();
  z_off_t o = gzoffset(gz_);
  return o < 0 ? 0 : static_cast<uint64_t>(o);
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
    size_t room = cap_ - end_;
    unsigned want = static_cast<unsigned>(room > INT_MAX ? INT_MAX : room);
    int r = gzread(gz_, buf_ + end_, want);
    if (r < 0) {
      int errnum = 0;
      const char* msg = gzerror(gz_, &errnum);
      error_ = std::string("read error: ") + (errnum == Z_ERRNO ? std::strerror(errno) : msg);
      eof_ = true;
      break;
    }
    if (r == 0) {
      int errnum = 0;
      const char* msg = gzerror(gz_, &errnum);
      // Z_BUF_ERROR at the end means the gzip stream was cut short.
      if (errnum != Z_OK) error_ = std::string("gzip: ") + msg;
      eof_ = true;
      break;
    }
    end_ += static_cast<size_t>(r);
  }
  return end_ >= n;
}

}  // namespace scap
