// The scap writer: metadata blocks, event blocks, parameter encoders.
export { ByteWriter, textBytes } from './bytes.js';
export { headerFromText } from './text.js';
export { BLOCK } from './blocktypes.js';
export {
  writeBlock,
  writeFdList,
  writeInterfaceList,
  writeMachineInfo,
  writeProcEntry,
  writeProcList,
  writeSectionHeader,
  writeUserList,
} from './blocks.js';
export { AF, encodeParam } from './params.js';
export type { DynValue, FdListItem, ParamValue, SockAddr, SockTuple } from './params.js';
export { ipBytes, ipv4Bytes, ipv6Bytes } from './ip.js';
export { DEFAULT_LARGE_PAYLOAD, ScapWriter, concatChunks, encodeCapture } from './writer.js';
export type { RawEvent, WriterOptions } from './writer.js';
