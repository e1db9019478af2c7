// The capture reader: metadata sections and event blocks of one file, streamed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "batch.h"
#include "blocks.h"
#include "header.h"
#include "input.h"

namespace scap {

struct ReaderOptions {
  std::vector<uint8_t> paramCounts;   // event table nparams per code
  std::vector<uint8_t> largePayload;  // 1: u32 parameter lengths
  uint32_t skipTypesFrom = 0;
  size_t batchSize = 65536;
};

struct ReadError {
  std::string message;
  uint32_t blockType = 0;
  uint64_t offset = 0;
  bool set() const { return !message.empty(); }
};

// One capture section: an SHB, its metadata blocks, then events. Concatenated captures have
// several; each event belongs to the latest section started before it.
struct Section {
  Header header;
  uint64_t firstNum;  // evt.num of the section's first event
};

class Reader {
 public:
  // Opens the file and reads the first section's metadata. On failure error() is set.
  bool open(const std::string& path, ReaderOptions opts);
  // Fills `out` with up to batchSize events. Returns false when no event was produced
  // (end of file, or damage: see error()). A batch never spans two sections.
  bool next(BatchBuf& out);
  const ReadError& error() const { return error_; }
  const std::vector<Section>& sections() const { return sections_; }
  bool compressed() const { return in_.compressed(); }
  uint64_t fileSize() const { return in_.fileSize(); }
  uint64_t bytesConsumed() const { return in_.bytesConsumed(); }
  // Thread-safe (the input guards it): gzip access points recorded so far.
  std::vector<uint8_t> gzipIndex() { return in_.gzipIndex(); }
  uint64_t skippedEvents() const { return skipped_; }
  uint64_t delivered() const { return delivered_; }
  void close() { in_.close(); done_ = true; }

 private:
  bool readMetadata(Header& h);
  void fail(const std::string& msg, uint32_t type, uint64_t offset);
  // Decodes one event block at p (total bytes, all available). Returns 1 when an event was
  // appended, 0 when skipped, -1 on damage (error set).
  int decodeEvent(const uint8_t* p, uint32_t total, uint32_t type, const BlockInfo& bi,
                  uint64_t offset, BatchBuf& out);

  Input in_;
  ReaderOptions opts_;
  std::vector<Section> sections_;
  ReadError error_;
  uint64_t skipped_ = 0;
  uint64_t delivered_ = 0;
  bool done_ = false;
  bool pendingSection_ = false;  // an SHB after events waits to be read
};

// Lists every block of a file (type, offset, length) without decoding it; stops at damage.
std::vector<BlockRecord> scanBlocks(const std::string& path, ReadError& err);

}  // namespace scap
