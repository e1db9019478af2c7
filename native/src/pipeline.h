// Decoding off the JS thread: a decoder thread runs the Reader a few batches ahead, and the
// JS-facing next() only copies a finished batch into a JS buffer. Together with Input's
// read-ahead thread, reading, inflating and decoding all overlap the caller's own work.
#pragma once
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "reader.h"

namespace scap {

class Pipeline {
 public:
  ~Pipeline() { close(); }

  // Reads the header synchronously (damage there is reported here, not by next()).
  bool open(const std::string& path, ReaderOptions opts);
  // The next batch, or nullptr at the end. The pipeline rewrites the batch after the next call;
  // its memory lives as long as any holder of the shared pointer (JS views over it hold one).
  std::shared_ptr<BatchBuf> next();
  // Everything below reflects the batches handed out so far.
  uint64_t firstNum() const { return firstNum_; }
  const std::vector<Section>& sections() const { return sections_; }
  const ReadError& error() const { return error_; }
  uint64_t skippedEvents() const { return skipped_; }
  uint64_t bytesConsumed() const { return consumed_; }
  bool compressed() const { return compressed_; }
  uint64_t fileSize() const { return fileSize_; }
  // Gzip access points recorded so far by the read-ahead (empty for plain files).
  std::vector<uint8_t> gzipIndex() { return reader_.gzipIndex(); }
  void close();

 private:
  struct Delivery {
    std::shared_ptr<BatchBuf> batch;  // null at the end
    std::vector<Section> newSections;
    uint64_t firstNum = 0;
    uint64_t skipped = 0;
    uint64_t consumed = 0;
    ReadError error;
  };
  void run();  // decoder thread

  Reader reader_;  // owned by the decoder thread once it runs
  size_t batchSize_ = 65536;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Delivery> ready_;
  std::vector<std::shared_ptr<BatchBuf>> free_;
  bool stop_ = false;
  size_t knownSections_ = 0;  // decoder thread only

  // JS-thread state.
  bool started_ = false;
  bool ended_ = false;
  std::shared_ptr<BatchBuf> current_;
  std::vector<Section> sections_;
  ReadError error_;
  uint64_t firstNum_ = 0;
  uint64_t skipped_ = 0;
  uint64_t consumed_ = 0;
  bool compressed_ = false;
  uint64_t fileSize_ = 0;
};

}  // namespace scap
