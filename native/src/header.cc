#include "header.h"

#include <cstring>

#include "blocks.h"
#include "bytes.h"

namespace scap {

namespace {

// libscap's caps on string lengths (SCAP_MAX_PATH_SIZE, SCAP_MAX_ARGS_SIZE, ...).
constexpr size_t kMaxPath = 1024;
constexpr size_t kMaxArgs = 4096;
constexpr size_t kMaxEnv = 4096;
constexpr size_t kMaxCgroups = 4096;
constexpr size_t kMaxCredential = 255;  // names must be < MAX_CREDENTIALS_STR_LEN (256)
constexpr size_t kMaxFdName = 1023;     // fd names must be < SCAP_MAX_PATH_SIZE
constexpr size_t kMachineInfoSize = 180;
// loginuid + exe_writable + 3 capability words: a V9 tail this short predates libs 0.10.
constexpr size_t kPre010TailMax = 29;

// libscap stores these in NUL-terminated C strings, so an embedded NUL ends the value.
std::string cstr(const std::string& s) {
  size_t z = s.find('\0');
  return z == std::string::npos ? s : s.substr(0, z);
}

std::string truncated(const char* what) { return std::string("truncated ") + what; }

// Reads a u16str capped at maxLen; fills err with libscap-like wording on failure.
bool readStr(Cursor& c, std::string& out, size_t maxLen, const char* what, std::string& err) {
  bool tooLong = false;
  if (c.u16str(out, maxLen, tooLong)) return true;
  err = tooLong ? std::string("invalid ") + what + " length" : truncated(what);
  return false;
}

}  // namespace

std::string parseSectionHeader(const uint8_t* body, size_t len, Header& h) {
  Cursor c(body, len);
  uint32_t magic;
  uint64_t sectionLength;
  if (!c.u32(magic) || !c.u16(h.major) || !c.u16(h.minor) || !c.u64(sectionLength))
    return "section header block too short";
  if (magic != SHB_MAGIC) return "invalid magic number (byte-swapped or not a scap file)";
  if (h.major > 1) return "unsupported capture major version " + std::to_string(h.major);
  // Anything after section_length is pcapng options (editcap rewrites): skipped.
  return "";
}

std::string parseMachineInfo(const uint8_t* body, size_t len, Header& h) {
  if (len < kMachineInfoSize)
    return "machine info block body is " + std::to_string(len) + " bytes, expected 180";
  Cursor c(body, len);
  MachineInfo& m = h.machine;
  const uint8_t* host = nullptr;
  uint64_t r3, r4;
  c.u32(m.numCpus);
  c.u64(m.memorySizeBytes);
  c.u64(m.maxPid);
  c.bytes(128, host);
  c.u64(m.bootTsEpoch);
  c.u64(m.flags);
  c.u64(r3);
  c.u64(r4);
  size_t n = strnlen(reinterpret_cast<const char*>(host), 128);
  m.hostname.assign(reinterpret_cast<const char*>(host), n);
  h.hasMachine = true;
  return "";
}

std::string parseProcList(const uint8_t* body, size_t len, int v, Header& h) {
  Cursor c(body, len);
  std::string err;
  while (c.left() >= 4) {
    ProcEntry p;
    size_t start = c.pos();
    uint32_t subLen = 0;
    if (v >= 9 && !c.u32(subLen)) return truncated("process entry");
    if (subLen != 0 && subLen > len - start)
      return "process entry length " + std::to_string(subLen) + " exceeds the block";
    if (!c.i64(p.tid) || !c.i64(p.pid) || !c.i64(p.ptid)) return truncated("process entry");
    if (v >= 6 && !c.i64(p.sid)) return truncated("process entry");
    if (v >= 8 && !c.i64(p.vpgid)) return truncated("process entry");
    if (!readStr(c, p.comm, kMaxPath, "comm", err) || !readStr(c, p.exe, kMaxPath, "exe", err))
      return err;
    if (v >= 7 && !readStr(c, p.exepath, kMaxPath, "exepath", err)) return err;
    if (!readStr(c, p.args, kMaxArgs, "args", err) || !readStr(c, p.cwd, kMaxPath, "cwd", err))
      return err;
    if (!c.i64(p.fdlimit) || !c.u32(p.flags) || !c.u32(p.uid) || !c.u32(p.gid))
      return truncated("process entry");
    if (v >= 2) {
      if (!c.u32(p.vmsizeKb) || !c.u32(p.vmrssKb) || !c.u32(p.vmswapKb) || !c.u64(p.pfmajor) ||
          !c.u64(p.pfminor))
        return truncated("process entry");
      if (v >= 3 && !readStr(c, p.env, kMaxEnv, "env", err)) return err;
      if (v >= 4) {
        if (!c.i64(p.vtid) || !c.i64(p.vpid)) return truncated("process entry");
        if (!readStr(c, p.cgroups, kMaxCgroups, "cgroups", err)) return err;
        if (v >= 5 && !readStr(c, p.root, kMaxPath, "root", err)) return err;
      }
    }
    p.comm = cstr(p.comm);
    p.exe = cstr(p.exe);
    p.exepath = cstr(p.exepath);
    p.cwd = cstr(p.cwd);
    p.root = cstr(p.root);
    if (subLen != 0) {
      size_t read = c.pos() - start;
      if (read > subLen)
        return "process entry has " + std::to_string(read) + " bytes, but its length says " +
               std::to_string(subLen);
      size_t rest = subLen - read;
      const uint8_t* tail = nullptr;
      c.bytes(rest, tail);  // fits: subLen was checked against the block above
      p.rawTail.assign(tail, tail + rest);
      if (rest <= kPre010TailMax) {
        // loginuid first; what follows it is kept verbatim so a rewrite is lossless.
        if (rest >= 4) p.loginuid = ld32(tail);
        size_t skip = rest >= 4 ? 4 : rest;
        p.tail.assign(tail + skip, tail + rest);
        p.hasTail = true;
      } else if (rest >= 16) {
        // libs 0.10 inserted pidns_init_start_ts (u64) and tty (u32) before loginuid. That
        // layout cannot be expressed as "loginuid + tail", so no tail is kept for it.
        p.loginuid = ld32(tail + 12);
      }
    }
    h.procs.push_back(std::move(p));
  }
  return "";
}

namespace {

// Fd types whose data is just a u16str name.
bool fdTypeHasNameOnly(uint8_t t) {
  switch (t) {
    case 1: case 2: case 7: case 9: case 10: case 11: case 12: case 13: case 14: case 15:
    case 17: case 18: case 19: case 20: case 21:
      return true;
    default:
      return false;
  }
}

std::string parseFdEntry(Cursor& c, int v, FdEntry& f) {
  size_t start = c.pos();
  uint32_t subLen = 0;
  std::string err;
  if (v >= 2 && !c.u32(subLen)) return truncated("fd entry");
  if (subLen != 0 && subLen > c.left() + 4)
    return "fd entry length " + std::to_string(subLen) + " exceeds the block";
  uint64_t fd;
  if (!c.u64(fd) || !c.u64(f.ino) || !c.u8(f.kind)) return truncated("fd entry");
  f.fd = static_cast<int64_t>(fd);
  const uint8_t* b;
  if (fdTypeHasNameOnly(f.kind)) {
    if (!readStr(c, f.name, kMaxFdName, "fd name", err)) return err;
  } else if (f.kind == 3 || f.kind == 4) {  // IPV4_SOCK / IPV6_SOCK
    f.ipLen = f.kind == 3 ? 4 : 16;
    f.hasDip = true;
    if (!c.bytes(f.ipLen, b)) return truncated("fd entry");
    std::memcpy(f.sip, b, f.ipLen);
    if (!c.bytes(f.ipLen, b)) return truncated("fd entry");
    std::memcpy(f.dip, b, f.ipLen);
    if (!c.u16(f.sport) || !c.u16(f.dport) || !c.u8(f.l4proto)) return truncated("fd entry");
  } else if (f.kind == 5 || f.kind == 6) {  // *_SERVSOCK: one address and port
    f.ipLen = f.kind == 5 ? 4 : 16;
    if (!c.bytes(f.ipLen, b)) return truncated("fd entry");
    std::memcpy(f.sip, b, f.ipLen);
    if (!c.u16(f.sport) || !c.u8(f.l4proto)) return truncated("fd entry");
  } else if (f.kind == 8) {  // UNIX_SOCK
    f.isUnix = true;
    if (!c.u64(f.source) || !c.u64(f.dest)) return truncated("fd entry");
    if (!readStr(c, f.name, kMaxFdName, "fd name", err)) return err;
  } else if (f.kind == 16) {  // FILE_V2
    if (!c.u32(f.openFlags)) return truncated("fd entry");
    if (!readStr(c, f.name, kMaxFdName, "fd name", err)) return err;
    if (subLen != 0 && subLen >= c.pos() - start + 4 && !c.u32(f.dev))
      return truncated("fd entry");
  } else if (f.kind != 0) {
    // Newer libs' fd type: libscap keeps it as UNSUPPORTED and reads no data.
    f.name = "unknown-type:[" + std::to_string(f.kind) + "]";
    f.kind = 10;
  }
  f.name = cstr(f.name);
  if (subLen != 0) {
    size_t read = c.pos() - start;
    if (read > subLen)
      return "fd entry has " + std::to_string(read) + " bytes, but its length says " +
             std::to_string(subLen);
    if (!c.skip(subLen - read)) return truncated("fd entry");
  }
  return "";
}

}  // namespace

std::string parseFdList(const uint8_t* body, size_t len, int v, Header& h) {
  Cursor c(body, len);
  FdList l;
  if (!c.i64(l.tid)) return truncated("fd list");
  while (c.left() >= 4) {
    FdEntry f;
    std::string err = parseFdEntry(c, v, f);
    if (!err.empty()) return err;
    l.fds.push_back(std::move(f));
  }
  h.fdlists.push_back(std::move(l));
  return "";
}

namespace {

struct IfaceLayout {
  uint16_t type;
  uint8_t addrLen;
  bool hasLinkspeed;
};
constexpr IfaceLayout kIfaceLayouts[] = {
    {1, 4, true}, {2, 16, true}, {3, 4, false}, {4, 16, false}};

const IfaceLayout* ifaceLayout(uint16_t t) {
  for (const auto& l : kIfaceLayouts)
    if (l.type == t) return &l;
  return nullptr;
}

std::string parseIface(Cursor& c, InterfaceEntry& e) {
  uint16_t nameLen;
  if (!c.u16(e.type) || !c.u16(nameLen)) return truncated("interface entry");
  const IfaceLayout* l = ifaceLayout(e.type);
  if (l == nullptr) return "unknown interface type " + std::to_string(e.type);
  if (nameLen >= kMaxPath) return "invalid interface name length";
  const uint8_t* b;
  if (!c.bytes(l->addrLen, b)) return truncated("interface entry");
  e.addr.assign(b, b + l->addrLen);
  if (!c.bytes(l->addrLen, b)) return truncated("interface entry");
  e.netmask.assign(b, b + l->addrLen);
  if (!c.bytes(l->addrLen, b)) return truncated("interface entry");
  e.bcast.assign(b, b + l->addrLen);
  if (l->hasLinkspeed && !c.u64(e.linkspeed)) return truncated("interface entry");
  if (!c.bytes(nameLen, b)) return truncated("interface entry");
  e.name = cstr(std::string(reinterpret_cast<const char*>(b), nameLen));
  return "";
}

}  // namespace

std::string parseInterfaceList(const uint8_t* body, size_t len, int v, Header& h) {
  // A later interface list replaces the earlier one, as in libscap.
  h.interfaces.clear();
  Cursor c(body, len);
  while (c.left() >= 4) {
    InterfaceEntry e;
    if (v >= 2) {
      uint32_t elen;
      c.u32(elen);
      // IL_V2 entry lengths exclude their own 4 bytes.
      if (elen > c.left()) return "interface entry length " + std::to_string(elen) + " exceeds the block";
      Cursor ec(c.ptr(), elen == 0 ? c.left() : elen);
      std::string err = parseIface(ec, e);
      if (!err.empty()) return err;
      c.skip(elen == 0 ? ec.pos() : elen);
    } else {
      std::string err = parseIface(c, e);
      if (!err.empty()) return err;
    }
    h.interfaces.push_back(std::move(e));
  }
  return "";
}

std::string parseUserList(const uint8_t* body, size_t len, int v, Header& h) {
  // A later user list replaces the earlier one, as in libscap.
  h.users.clear();
  h.groups.clear();
  Cursor c(body, len);
  std::string err;
  while (c.left() >= 4) {
    size_t start = c.pos();
    uint32_t subLen = 0;
    uint8_t type;
    if (v >= 2 && !c.u32(subLen)) return truncated("user entry");
    if (subLen != 0 && subLen > len - start)
      return "user entry length " + std::to_string(subLen) + " exceeds the block";
    if (!c.u8(type)) return truncated("user entry");
    if (type == 0) {
      UserEntry u;
      if (!c.u32(u.uid) || !c.u32(u.gid)) return truncated("user entry");
      if (!readStr(c, u.name, kMaxCredential, "user name", err) ||
          !readStr(c, u.homedir, kMaxCredential, "user homedir", err) ||
          !readStr(c, u.shell, kMaxCredential, "user shell", err))
        return err;
      u.name = cstr(u.name);
      u.homedir = cstr(u.homedir);
      u.shell = cstr(u.shell);
      h.users.push_back(std::move(u));
    } else {
      GroupEntry g;
      if (!c.u32(g.gid)) return truncated("group entry");
      if (!readStr(c, g.name, kMaxCredential, "group name", err)) return err;
      g.name = cstr(g.name);
      h.groups.push_back(std::move(g));
    }
    if (subLen != 0) {
      size_t read = c.pos() - start;
      if (read > subLen)
        return "user entry has " + std::to_string(read) + " bytes, but its length says " +
               std::to_string(subLen);
      c.skip(subLen - read);
    }
  }
  return "";
}

size_t recoverBuggyInterfaceListV2(const uint8_t* body, size_t avail, uint32_t claimedTotal) {
  size_t pos = 0;
  while (pos + 4 <= avail) {
    // Is this the end of the entries: 0-3 zero bytes, then the (wrong) trailer?
    for (size_t pad = 0; pad < 4 && pos + pad + 4 <= avail; pad++) {
      if (pad > 0 && body[pos + pad - 1] != 0) break;
      if (ld32(body + pos + pad) == claimedTotal) return pos + pad;
    }
    if (pos + 8 > avail) return 0;
    uint32_t elen = ld32(body + pos);
    uint16_t type = ld16(body + pos + 4);
    if (ifaceLayout(type) == nullptr || elen < 4 || elen > 4 + 60 + kMaxPath) return 0;
    pos += 4 + static_cast<size_t>(elen);
  }
  return 0;
}

}  // namespace scap
