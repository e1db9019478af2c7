#include "pipeline.h"

#include <new>

namespace scap {

namespace {
// Batches in the pipeline: one being filled, the rest waiting for the JS side.
constexpr int kBatches = 3;
}  // namespace

bool Pipeline::open(const std::string& path, ReaderOptions opts) {
  batchSize_ = opts.batchSize == 0 ? 65536 : opts.batchSize;
  const bool ok = reader_.open(path, std::move(opts));
  compressed_ = reader_.compressed();
  fileSize_ = reader_.fileSize();
  if (!ok) {
    error_ = reader_.error();
    ended_ = true;
    return false;
  }
  sections_ = reader_.sections();
  knownSections_ = sections_.size();
  consumed_ = reader_.bytesConsumed();
  return true;
}

void Pipeline::run() {
  for (;;) {
    std::shared_ptr<BatchBuf> b;
    {
      std::unique_lock<std::mutex> lk(mu_);
      cv_.wait(lk, [this] { return stop_ || !free_.empty(); });
      if (stop_) return;
      b = std::move(free_.back());
      free_.pop_back();
    }
    Delivery d;
    bool got = false;
    try {
      got = reader_.next(*b);
    } catch (const std::bad_alloc&) {
      d.error.message = "out of memory while decoding events";
      got = false;
    }
    const auto& ss = reader_.sections();
    for (; knownSections_ < ss.size(); knownSections_++) d.newSections.push_back(ss[knownSections_]);
    d.skipped = reader_.skippedEvents();
    d.consumed = reader_.bytesConsumed();
    if (got) {
      d.firstNum = reader_.delivered() - b->count + 1;
      d.batch = std::move(b);
    } else if (d.error.message.empty()) {
      d.error = reader_.error();
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (!got) free_.push_back(std::move(b));
      ready_.push_back(std::move(d));
    }
    cv_.notify_all();
    if (!got) return;
  }
}

std::shared_ptr<BatchBuf> Pipeline::next() {
  if (current_) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      free_.push_back(std::move(current_));
    }
    cv_.notify_all();
  }
  if (ended_) return nullptr;
  if (!started_) {
    started_ = true;
    for (int i = 0; i < kBatches; i++) free_.push_back(std::make_shared<BatchBuf>(batchSize_));
    thread_ = std::thread([this] { run(); });
  }
  Delivery d;
  {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [this] { return !ready_.empty(); });
    d = std::move(ready_.front());
    ready_.pop_front();
  }
  for (auto& s : d.newSections) sections_.push_back(std::move(s));
  skipped_ = d.skipped;
  consumed_ = d.consumed;
  if (!d.batch) {
    ended_ = true;
    error_ = d.error;
    return nullptr;
  }
  firstNum_ = d.firstNum;
  current_ = std::move(d.batch);
  return current_;
}

void Pipeline::close() {
  if (thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  reader_.close();
  ended_ = true;
}

}  // namespace scap
