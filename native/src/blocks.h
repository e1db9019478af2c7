// Block type constants of the scap format (SCAP_FORMAT.md §1.2) and their classification.
// Layouts are chosen from the block type, never from the SHB version.
#pragma once
#include <cstdint>

namespace scap {

constexpr uint32_t SHB = 0x0A0D0D0A;
constexpr uint32_t SHB_MAGIC = 0x1A2B3C4D;

enum class BlockKind : uint8_t { Unknown, Shb, Machine, Proc, Fd, Iface, User, Event };

struct BlockInfo {
  BlockKind kind;
  // Proc: PL version 1..9. Fd/Iface/User: 1 or 2. Event: 1 or 2 (header without/with nparams).
  uint8_t version;
  // Event blocks only: the body starts with cpuid u16 then a u32 flags word.
  bool hasFlags;
};

struct BlockTypeEntry {
  uint32_t type;
  BlockInfo info;
};

// Every block type libscap has ever written, with its legacy "_INT" alias where one exists.
constexpr BlockTypeEntry kBlockTypes[] = {
    {SHB, {BlockKind::Shb, 1, false}},
    {0x201, {BlockKind::Machine, 1, false}},
    {0x8002ABCD, {BlockKind::Machine, 1, false}},
    {0x202, {BlockKind::Proc, 1, false}},
    {0x8000ABCD, {BlockKind::Proc, 1, false}},
    {0x207, {BlockKind::Proc, 2, false}},
    {0x8013ABCD, {BlockKind::Proc, 2, false}},
    {0x209, {BlockKind::Proc, 3, false}},
    {0x8014ABCD, {BlockKind::Proc, 3, false}},
    {0x210, {BlockKind::Proc, 4, false}},
    {0x211, {BlockKind::Proc, 5, false}},
    {0x212, {BlockKind::Proc, 6, false}},
    {0x213, {BlockKind::Proc, 7, false}},
    {0x214, {BlockKind::Proc, 8, false}},
    {0x215, {BlockKind::Proc, 9, false}},
    {0x203, {BlockKind::Fd, 1, false}},
    {0x8001ABCD, {BlockKind::Fd, 1, false}},
    {0x218, {BlockKind::Fd, 2, false}},
    {0x205, {BlockKind::Iface, 1, false}},
    {0x8011ABCD, {BlockKind::Iface, 1, false}},
    {0x219, {BlockKind::Iface, 2, false}},
    {0x206, {BlockKind::User, 1, false}},
    {0x8012ABCD, {BlockKind::User, 1, false}},
    {0x220, {BlockKind::User, 2, false}},
    {0x204, {BlockKind::Event, 1, false}},
    {0x8010ABCD, {BlockKind::Event, 1, false}},
    {0x208, {BlockKind::Event, 1, true}},
    {0x216, {BlockKind::Event, 2, false}},
    {0x217, {BlockKind::Event, 2, true}},
    {0x221, {BlockKind::Event, 2, false}},
    {0x222, {BlockKind::Event, 2, true}},
};

inline BlockInfo classifyBlock(uint32_t type) {
  for (const auto& e : kBlockTypes)
    if (e.type == type) return e.info;
  return {BlockKind::Unknown, 0, false};
}

// Event header sizes (ppm_evt_hdr): V1 blocks lack the u32 nparams.
constexpr uint32_t EVT_HDR_V1 = 22;
constexpr uint32_t EVT_HDR_V2 = 26;
// Non-LARGE event blocks are limited by libscap's READER_BUF_SIZE.
constexpr uint32_t READER_BUF_SIZE = 65536;
// Old captures store NOTIFICATION_E / INFRASTRUCTURE_EVENT_E with a len 3 bytes too large.
constexpr uint16_t PPME_NOTIFICATION_E = 280;
constexpr uint16_t PPME_INFRASTRUCTURE_EVENT_E = 286;

}  // namespace scap
