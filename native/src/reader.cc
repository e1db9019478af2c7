#include "reader.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "bytes.h"

namespace scap {

namespace {

// Largest block we agree to buffer. libscap sets no limit for LARGE event blocks, but a
// hostile length must not make us allocate gigabytes; real blocks are far smaller.
constexpr uint64_t kMaxBlock = 512ull << 20;
// A batch stops growing its arena past this, so arena offsets always fit in u32.
constexpr size_t kMaxArena = 256u << 20;

std::string hex(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%" PRIx32, v);
  return b;
}

const char* kindName(BlockKind k) {
  switch (k) {
    case BlockKind::Shb: return "section header";
    case BlockKind::Machine: return "machine info";
    case BlockKind::Proc: return "process list";
    case BlockKind::Fd: return "fd list";
    case BlockKind::Iface: return "interface list";
    case BlockKind::User: return "user list";
    case BlockKind::Event: return "event";
    default: return "unknown";
  }
}

}  // namespace

void Reader::fail(const std::string& msg, uint32_t type, uint64_t offset) {
  error_.message = msg + " (block type " + hex(type) + " at offset " + std::to_string(offset) + ")";
  error_.blockType = type;
  error_.offset = offset;
  done_ = true;
}

bool Reader::open(const std::string& path, ReaderOptions opts) {
  opts_ = std::move(opts);
  if (opts_.batchSize == 0) opts_.batchSize = 65536;
  if (!in_.open(path)) {
    error_.message = in_.error();
    done_ = true;
    return false;
  }
  Section s;
  s.firstNum = 1;
  if (!readMetadata(s.header)) return false;
  sections_.push_back(std::move(s));
  return true;
}

// Reads one section's SHB and metadata blocks, stopping before its first event block.
bool Reader::readMetadata(Header& h) {
  bool first = true;
  for (;;) {
    const uint64_t off = in_.offset();
    if (!in_.ensure(8)) {
      if (in_.available() == 0 && in_.error().empty()) {
        // A header with no events is legal here (libscap calls it an error; we just end).
        if (first) fail("empty file: no section header block", 0, off);
        return !first;
      }
      std::string why = in_.error().empty() ? "" : " [" + in_.error() + "]";
      fail("truncated block header: " + std::to_string(in_.available()) + " of 8 bytes" + why, 0,
           off);
      return false;
    }
    const uint8_t* p = in_.data();
    const uint32_t type = ld32(p);
    uint32_t total = ld32(p + 4);
    const BlockInfo bi = classifyBlock(type);
    if (first && bi.kind != BlockKind::Shb) {
      fail("not a scap capture: the first block is not a section header", type, off);
      return false;
    }
    if (bi.kind == BlockKind::Event) return true;
    if (total < 12) {
      fail("block length " + std::to_string(total) + " too short", type, off);
      return false;
    }
    if (total > kMaxBlock || (!in_.compressed() && total > in_.fileSize() - off)) {
      if (!in_.compressed()) {
        fail(std::string(kindName(bi.kind)) + " block length " + std::to_string(total) +
                 " runs past the end of the file (" + std::to_string(in_.fileSize() - off) +
                 " bytes left)",
             type, off);
      } else {
        fail(std::string(kindName(bi.kind)) + " block length " + std::to_string(total) +
                 " exceeds the reader's limit",
             type, off);
      }
      return false;
    }
    if (!in_.ensure(total)) {
      std::string why = in_.error().empty() ? "" : " [" + in_.error() + "]";
      fail(std::string("truncated ") + kindName(bi.kind) + " block: " + std::to_string(total) +
               " bytes declared, " + std::to_string(in_.available()) + " available" + why,
           type, off);
      return false;
    }
    p = in_.data();
    size_t bodyLen = total - 12;
    const uint32_t trailer = ld32(p + total - 4);
    // libscap never compares the SHB trailer.
    if (bi.kind != BlockKind::Shb && trailer != total) {
      size_t real = 0;
      if (bi.kind == BlockKind::Iface && bi.version == 2) {
        in_.ensure(static_cast<size_t>(total) * 2 + 16);
        p = in_.data();
        real = recoverBuggyInterfaceListV2(p + 8, in_.available() - 8, total);
      }
      if (real == 0) {
        fail("wrong block total length, header=" + std::to_string(total) +
                 ", trailer=" + std::to_string(trailer),
             type, off);
        return false;
      }
      bodyLen = real;
      total = static_cast<uint32_t>(real + 12);
    }
    const uint8_t* body = p + 8;
    std::string err;
    switch (bi.kind) {
      case BlockKind::Shb:
        // An SHB inside a metadata run is skipped like an unknown block, as libscap does.
        if (first) err = parseSectionHeader(body, bodyLen, h);
        break;
      case BlockKind::Machine: err = parseMachineInfo(body, bodyLen, h); break;
      case BlockKind::Proc: err = parseProcList(body, bodyLen, bi.version, h); break;
      case BlockKind::Fd: err = parseFdList(body, bodyLen, bi.version, h); break;
      case BlockKind::Iface: err = parseInterfaceList(body, bodyLen, bi.version, h); break;
      case BlockKind::User: err = parseUserList(body, bodyLen, bi.version, h); break;
      default: break;  // unknown metadata block: skipped by its length
    }
    if (!err.empty()) {
      fail(std::string(kindName(bi.kind)) + " block: " + err, type, off);
      return false;
    }
    h.blocks.push_back({type, off, total});
    in_.advance(total);
    first = false;
  }
}

int Reader::decodeEvent(const uint8_t* p, uint32_t total, uint32_t btype, const BlockInfo& bi,
                        uint64_t off, BatchBuf& out) {
  const uint8_t* body = p + 8;
  const size_t pre = bi.hasFlags ? 6 : 2;
  const uint32_t hdr = bi.version == 2 ? EVT_HDR_V2 : EVT_HDR_V1;
  const uint16_t cpu = ld16(body);
  const uint32_t flags = bi.hasFlags ? ld32(body + 2) : 0;
  const uint8_t* ev = body + pre;
  // The event may not run into the trailer; edited files put options after it, which we ignore.
  const size_t room = total - 12 - pre;
  const uint16_t etype = ld16(ev + 20);
  if (etype >= opts_.skipTypesFrom) {
    skipped_++;
    return 0;
  }
  const uint32_t len = ld32(ev + 16);
  if (len < hdr || len > room) {
    fail("event length " + std::to_string(len) + " does not fit its block (" +
             std::to_string(room) + " bytes for the event)",
         btype, off);
    return -1;
  }
  const bool wide = etype < opts_.largePayload.size() && opts_.largePayload[etype] != 0;
  const uint32_t w = wide ? 4 : 2;
  const uint8_t* lens = ev + hdr;
  uint32_t n = 0;
  uint64_t sum = 0;
  if (bi.version == 2) {
    n = ld32(ev + 22);
    if (static_cast<uint64_t>(n) * w > len - hdr) {
      fail("event nparams " + std::to_string(n) + " does not fit event length " +
               std::to_string(len),
           btype, off);
      return -1;
    }
    if (wide)
      for (uint32_t i = 0; i < n; i++) sum += ld32(lens + 4 * i);
    else
      for (uint32_t i = 0; i < n; i++) sum += ld16(lens + 2 * i);
    if (hdr + static_cast<uint64_t>(n) * w + sum > len) {
      fail("event parameter lengths exceed event length " + std::to_string(len), btype, off);
      return -1;
    }
  } else {
    // V1 events carry no nparams: like libscap, start from the table's count and go down
    // until header + lengths + values fill `len` exactly.
    uint32_t elen = len;
    if (etype == PPME_NOTIFICATION_E || etype == PPME_INFRASTRUCTURE_EVENT_E) elen -= 3;
    const int64_t tableN = etype < opts_.paramCounts.size() ? opts_.paramCounts[etype] : 0;
    bool found = false;
    for (int64_t k = tableN; k >= 0; k--) {
      uint64_t end = hdr + static_cast<uint64_t>(k) * w;
      if (end > elen) continue;
      uint64_t s = 0;
      if (wide)
        for (int64_t i = 0; i < k; i++) s += ld32(lens + 4 * i);
      else
        for (int64_t i = 0; i < k; i++) s += ld16(lens + 2 * i);
      end += s;
      if (end < elen) break;  // fewer params can only end earlier
      if (end == elen) {
        n = static_cast<uint32_t>(k);
        sum = s;
        found = true;
        break;
      }
    }
    if (!found) {
      fail("cannot infer nparams of a V1 event of type " + std::to_string(etype) +
               " (length " + std::to_string(len) + ")",
           btype, off);
      return -1;
    }
  }

  const size_t i = out.count;
  out.ts[i] = static_cast<int64_t>(ld64(ev));
  out.tid[i] = static_cast<int64_t>(ld64(ev + 8));
  out.type[i] = etype;
  out.cpu[i] = cpu;
  out.flags[i] = flags;
  out.offset[i] = static_cast<double>(off);
  const uint32_t slot = static_cast<uint32_t>(out.paramOff.size());
  uint32_t apos = static_cast<uint32_t>(out.arena.size());
  uint32_t* po = out.paramOff.extend(n);
  uint32_t* pl = out.paramLen.extend(n);
  uint8_t* dst = out.arena.extend(sum);
  std::memcpy(dst, lens + static_cast<size_t>(n) * w, sum);
  for (uint32_t j = 0; j < n; j++) {
    const uint32_t l = wide ? ld32(lens + 4 * j) : ld16(lens + 2 * j);
    po[j] = apos;
    pl[j] = l;
    apos += l;
  }
  out.paramBase[i + 1] = slot + n;
  out.count = i + 1;
  delivered_++;
  return 1;
}

bool Reader::next(BatchBuf& out) {
  out.reset();
  if (done_) return false;
  if (pendingSection_) {
    pendingSection_ = false;
    Section s;
    s.firstNum = delivered_ + 1;
    if (!readMetadata(s.header)) return false;
    sections_.push_back(std::move(s));
  }
  const size_t limit = opts_.batchSize < out.cap ? opts_.batchSize : out.cap;
  uint32_t lastType = 0;
  BlockInfo bi = classifyBlock(0);
  while (out.count < limit && out.arena.size() < kMaxArena) {
    const uint64_t off = in_.offset();
    if (!in_.ensure(8)) {
      if (in_.available() == 0 && in_.error().empty()) {
        done_ = true;
        break;
      }
      std::string why = in_.error().empty() ? "" : " [" + in_.error() + "]";
      fail("truncated block header: " + std::to_string(in_.available()) + " of 8 bytes" + why, 0,
           off);
      break;
    }
    const uint8_t* p = in_.data();
    const uint32_t type = ld32(p);
    const uint32_t total = ld32(p + 4);
    if (type != lastType || bi.kind == BlockKind::Unknown) {
      bi = classifyBlock(type);
      lastType = type;
    }
    if (bi.kind != BlockKind::Event) {
      if (bi.kind == BlockKind::Shb) {
        // A concatenated capture: its metadata opens a new section. Deliver what we have
        // first so that no batch spans two sections.
        pendingSection_ = true;
        if (out.count > 0) break;
        pendingSection_ = false;
        Section s;
        s.firstNum = delivered_ + 1;
        if (!readMetadata(s.header)) break;
        sections_.push_back(std::move(s));
        continue;
      }
      fail(std::string("unexpected ") + kindName(bi.kind) + " block after events", type, off);
      break;
    }
    const uint32_t minTotal = 8 + (bi.hasFlags ? 6 : 2) +
                              (bi.version == 2 ? EVT_HDR_V2 : EVT_HDR_V1) + 4;
    const bool largeBlock = type == 0x221 || type == 0x222;
    if (total < minTotal) {
      fail("event block length " + std::to_string(total) + " too short", type, off);
      break;
    }
    if (!largeBlock && total - 8 > READER_BUF_SIZE) {
      fail("event block length " + std::to_string(total) + " exceeds the 64 KiB limit of non-LARGE blocks",
           type, off);
      break;
    }
    if (total > kMaxBlock) {
      fail("event block length " + std::to_string(total) + " exceeds the reader's limit", type, off);
      break;
    }
    if (!in_.ensure(total)) {
      std::string why = in_.error().empty() ? "" : " [" + in_.error() + "]";
      fail("truncated event block: " + std::to_string(total) + " bytes declared, " +
               std::to_string(in_.available()) + " available" + why,
           type, off);
      break;
    }
    if (decodeEvent(in_.data(), total, type, bi, off, out) < 0) break;
    in_.advance(total);
  }
  return out.count > 0;
}

std::vector<BlockRecord> scanBlocks(const std::string& path, ReadError& err) {
  std::vector<BlockRecord> out;
  Input in;
  if (!in.open(path)) {
    err.message = in.error();
    return out;
  }
  for (;;) {
    const uint64_t off = in.offset();
    if (!in.ensure(8)) {
      if (in.available() != 0 || !in.error().empty()) {
        err.message = "truncated block header (block type 0x0 at offset " + std::to_string(off) + ")";
        err.offset = off;
      }
      break;
    }
    const uint32_t type = ld32(in.data());
    const uint32_t total = ld32(in.data() + 4);
    if (total < 12 || total > kMaxBlock || !in.ensure(total)) {
      err.message = "bad or truncated block of length " + std::to_string(total) + " (block type " +
                    hex(type) + " at offset " + std::to_string(off) + ")";
      err.blockType = type;
      err.offset = off;
      break;
    }
    out.push_back({type, off, total});
    in.advance(total);
  }
  return out;
}

}  // namespace scap
