// Columnar event batch as filled by the decoder (mirrors EventBatch in core/capture.ts).
// Columns are reused from batch to batch; only their first `count` rows are meaningful.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

namespace scap {

// A growable array without zero-initialisation (std::vector::resize would memset every byte
// of the arena before it is overwritten).
template <typename T>
class Growable {
 public:
  Growable() = default;
  ~Growable() { std::free(data_); }
  Growable(const Growable&) = delete;
  Growable& operator=(const Growable&) = delete;
  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }
  // Returns a pointer to n new elements at the end.
  T* extend(size_t n) {
    if (size_ + n > cap_) grow(size_ + n);
    T* p = data_ + size_;
    size_ += n;
    return p;
  }
  void reserve(size_t n) { if (n > cap_) grow(n); }

 private:
  void grow(size_t need) {
    size_t ncap = cap_ ? cap_ : 1024;
    while (ncap < need) ncap *= 2;
    T* nd = static_cast<T*>(std::realloc(data_, ncap * sizeof(T)));
    if (nd == nullptr) throw std::bad_alloc();
    data_ = nd;
    cap_ = ncap;
  }
  T* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

struct BatchBuf {
  explicit BatchBuf(size_t capacity)
      : cap(capacity), ts(capacity), tid(capacity), offset(capacity), flags(capacity),
        type(capacity), cpu(capacity), paramBase(capacity + 1) {}
  size_t cap;
  size_t count = 0;
  std::vector<int64_t> ts, tid;
  std::vector<double> offset;
  std::vector<uint32_t> flags;
  std::vector<uint16_t> type, cpu;
  std::vector<uint32_t> paramBase;  // count + 1 entries
  Growable<uint32_t> paramOff, paramLen;
  Growable<uint8_t> arena;
  void reset() {
    count = 0;
    paramBase[0] = 0;
    paramOff.clear();
    paramLen.clear();
    arena.clear();
  }
};

}  // namespace scap
