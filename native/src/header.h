// Metadata blocks (everything that is not an event block), parsed into plain C++ structs.
// Parsers follow libscap's savefile reader: same defaults, same length caps, same forward
// compatibility (per-entry lengths let newer writers append fields we skip).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace scap {

struct MachineInfo {
  uint32_t numCpus = 0;
  uint64_t memorySizeBytes = 0;
  uint64_t maxPid = 0;
  std::string hostname;
  uint64_t bootTsEpoch = 0;
  uint64_t flags = 0;
};

struct ProcEntry {
  int64_t tid = 0, pid = 0, ptid = 0;
  int64_t sid = -1, vpgid = -1;
  std::string comm, exe, exepath, cwd, root;
  std::string args, env, cgroups;  // raw NUL-separated lists
  int64_t fdlimit = 0;
  uint32_t flags = 0, uid = 0, gid = 0;
  uint32_t vmsizeKb = 0, vmrssKb = 0, vmswapKb = 0;
  uint64_t pfmajor = 0, pfminor = 0;
  int64_t vtid = -1, vpid = -1;
  uint32_t loginuid = UINT32_MAX;
  // PL V9 entries in the pre-libs-0.10 layout: the raw bytes after loginuid up to the entry
  // end (exe_writable, capabilities...), so that `loginuid + tail` rewrites the entry.
  std::vector<uint8_t> tail;
  bool hasTail = false;
  // Every byte after root up to the entry end, whatever the layout: what sysdig 0.29.3 reads
  // loginuid (4 bytes) and exe_writable (1 byte) from, even in layouts where they sit elsewhere.
  std::vector<uint8_t> rawTail;
};

struct FdEntry {
  int64_t fd = 0;
  uint64_t ino = 0;
  uint8_t kind = 0;
  std::string name;
  uint32_t openFlags = 0;
  uint32_t dev = 0;
  uint8_t sip[16] = {}, dip[16] = {};
  uint8_t ipLen = 0;  // 0: not a socket, 4 or 16
  bool hasDip = false;
  uint16_t sport = 0, dport = 0;
  uint8_t l4proto = 0;
  bool isUnix = false;
  uint64_t source = 0, dest = 0;
};

struct FdList {
  int64_t tid = 0;
  std::vector<FdEntry> fds;
};

struct InterfaceEntry {
  uint16_t type = 0;
  std::string name;
  std::vector<uint8_t> addr, netmask, bcast;
  uint64_t linkspeed = 0;
};

struct UserEntry {
  uint32_t uid = 0, gid = 0;
  std::string name, homedir, shell;
};

struct GroupEntry {
  uint32_t gid = 0;
  std::string name;
};

struct BlockRecord {
  uint32_t type;
  uint64_t offset;
  uint32_t length;
};

struct Header {
  uint16_t major = 0, minor = 0;
  bool hasMachine = false;
  MachineInfo machine;
  std::vector<ProcEntry> procs;
  std::vector<FdList> fdlists;
  std::vector<InterfaceEntry> interfaces;
  std::vector<UserEntry> users;
  std::vector<GroupEntry> groups;
  std::vector<BlockRecord> blocks;
};

// Each parser gets the block body (between the length field and the trailer) and returns an
// empty string on success, else a description of the damage.
std::string parseSectionHeader(const uint8_t* body, size_t len, Header& h);
std::string parseMachineInfo(const uint8_t* body, size_t len, Header& h);
std::string parseProcList(const uint8_t* body, size_t len, int version, Header& h);
std::string parseFdList(const uint8_t* body, size_t len, int version, Header& h);
std::string parseInterfaceList(const uint8_t* body, size_t len, int version, Header& h);
std::string parseUserList(const uint8_t* body, size_t len, int version, Header& h);

// IL_V2 blocks written by sysdig <= 0.29.3 from IL V1 input claim 4 bytes per entry too few.
// Walks the entries by their own lengths from `body` (with `avail` readable bytes) and returns
// the real body length: the position of a u32 equal to `claimedTotal` after the entries and
// 0-3 zero padding bytes. Returns 0 when no such position is found.
size_t recoverBuggyInterfaceListV2(const uint8_t* body, size_t avail, uint32_t claimedTotal);

}  // namespace scap
