// N-API face of the reader: one ObjectWrap per open capture. Batches cross into JS as a single
// ArrayBuffer holding every column back to back (see index.ts for the layout), so each batch
// costs one allocation and a handful of memcpys, never per-event calls.
#include <napi.h>

#include <cstring>
#include <memory>

#include "gzstream.h"
#include "pipeline.h"
#include "reader.h"

namespace {

using scap::Header;

Napi::Value bigU64(Napi::Env env, uint64_t v) { return Napi::BigInt::New(env, v); }
Napi::Value num(Napi::Env env, double v) { return Napi::Number::New(env, v); }
// Capture text as a byte string (latin1: one char per byte), the form every state string has in
// core/: libsinsp handles these as raw bytes, so an invalid UTF-8 sequence in a process name or a
// path must reach the output (and a -w export) unchanged, not as U+FFFD.
Napi::String bytesText(Napi::Env env, const char* p, size_t n) {
  napi_value v;
  NAPI_THROW_IF_FAILED(env, napi_create_string_latin1(env, p, n, &v), Napi::String());
  return Napi::String(env, v);
}
Napi::String str(Napi::Env env, const std::string& s) { return bytesText(env, s.data(), s.size()); }

Napi::Uint8Array bytesOf(Napi::Env env, const uint8_t* p, size_t n) {
  auto a = Napi::Uint8Array::New(env, n);
  if (n != 0) std::memcpy(a.Data(), p, n);
  return a;
}

// NUL-separated list as libsinsp splits it: each piece up to the next NUL, no trailing empty.
Napi::Array splitList(Napi::Env env, const std::string& s) {
  auto arr = Napi::Array::New(env);
  uint32_t k = 0;
  size_t off = 0;
  while (off < s.size()) {
    size_t z = s.find('\0', off);
    if (z == std::string::npos) z = s.size();
    arr.Set(k++, bytesText(env, s.data() + off, z - off));
    off = z + 1;
  }
  return arr;
}

Napi::Object procToJs(Napi::Env env, const scap::ProcEntry& p) {
  auto o = Napi::Object::New(env);
  o.Set("tid", num(env, static_cast<double>(p.tid)));
  o.Set("pid", num(env, static_cast<double>(p.pid)));
  o.Set("ptid", num(env, static_cast<double>(p.ptid)));
  o.Set("sid", num(env, static_cast<double>(p.sid)));
  o.Set("vpgid", num(env, static_cast<double>(p.vpgid)));
  o.Set("comm", str(env, p.comm));
  o.Set("exe", str(env, p.exe));
  o.Set("exepath", str(env, p.exepath));
  o.Set("args", splitList(env, p.args));
  o.Set("cwd", str(env, p.cwd));
  o.Set("fdlimit", num(env, static_cast<double>(p.fdlimit)));
  o.Set("flags", num(env, p.flags));
  o.Set("uid", num(env, p.uid));
  o.Set("gid", num(env, p.gid));
  o.Set("vmsizeKb", num(env, p.vmsizeKb));
  o.Set("vmrssKb", num(env, p.vmrssKb));
  o.Set("vmswapKb", num(env, p.vmswapKb));
  o.Set("pfmajor", num(env, static_cast<double>(p.pfmajor)));
  o.Set("pfminor", num(env, static_cast<double>(p.pfminor)));
  o.Set("env", splitList(env, p.env));
  o.Set("vtid", num(env, static_cast<double>(p.vtid)));
  o.Set("vpid", num(env, static_cast<double>(p.vpid)));
  o.Set("cgroups", splitList(env, p.cgroups));
  o.Set("root", str(env, p.root));
  o.Set("loginuid", num(env, p.loginuid));
  if (p.hasTail) o.Set("tail", bytesOf(env, p.tail.data(), p.tail.size()));
  if (!p.rawTail.empty()) o.Set("rawTail", bytesOf(env, p.rawTail.data(), p.rawTail.size()));
  return o;
}

Napi::Object fdToJs(Napi::Env env, const scap::FdEntry& f) {
  auto o = Napi::Object::New(env);
  o.Set("fd", num(env, static_cast<double>(f.fd)));
  o.Set("ino", bigU64(env, f.ino));
  o.Set("kind", num(env, f.kind));
  o.Set("name", str(env, f.name));
  o.Set("openFlags", num(env, f.openFlags));
  o.Set("dev", num(env, f.dev));
  if (f.ipLen != 0) {
    o.Set("sip", bytesOf(env, f.sip, f.ipLen));
    o.Set("sport", num(env, f.sport));
    o.Set("l4proto", num(env, f.l4proto));
    if (f.hasDip) {
      o.Set("dip", bytesOf(env, f.dip, f.ipLen));
      o.Set("dport", num(env, f.dport));
    }
  }
  if (f.isUnix) {
    o.Set("source", bigU64(env, f.source));
    o.Set("dest", bigU64(env, f.dest));
  }
  return o;
}

Napi::Object headerToJs(Napi::Env env, const Header& h) {
  auto o = Napi::Object::New(env);
  o.Set("major", num(env, h.major));
  o.Set("minor", num(env, h.minor));
  if (h.hasMachine) {
    auto m = Napi::Object::New(env);
    m.Set("numCpus", num(env, h.machine.numCpus));
    m.Set("memorySizeBytes", bigU64(env, h.machine.memorySizeBytes));
    m.Set("maxPid", bigU64(env, h.machine.maxPid));
    m.Set("hostname", str(env, h.machine.hostname));
    m.Set("bootTsEpoch", bigU64(env, h.machine.bootTsEpoch));
    m.Set("flags", bigU64(env, h.machine.flags));
    o.Set("machine", m);
  } else {
    o.Set("machine", env.Null());
  }
  auto procs = Napi::Array::New(env, h.procs.size());
  for (size_t i = 0; i < h.procs.size(); i++) procs.Set(i, procToJs(env, h.procs[i]));
  o.Set("procs", procs);
  auto fdlists = Napi::Array::New(env, h.fdlists.size());
  for (size_t i = 0; i < h.fdlists.size(); i++) {
    const auto& l = h.fdlists[i];
    auto lo = Napi::Object::New(env);
    lo.Set("tid", num(env, static_cast<double>(l.tid)));
    auto fds = Napi::Array::New(env, l.fds.size());
    for (size_t j = 0; j < l.fds.size(); j++) fds.Set(j, fdToJs(env, l.fds[j]));
    lo.Set("fds", fds);
    fdlists.Set(i, lo);
  }
  o.Set("fdlists", fdlists);
  auto ifs = Napi::Array::New(env, h.interfaces.size());
  for (size_t i = 0; i < h.interfaces.size(); i++) {
    const auto& e = h.interfaces[i];
    auto io = Napi::Object::New(env);
    io.Set("type", num(env, e.type));
    io.Set("name", str(env, e.name));
    io.Set("addr", bytesOf(env, e.addr.data(), e.addr.size()));
    io.Set("netmask", bytesOf(env, e.netmask.data(), e.netmask.size()));
    io.Set("bcast", bytesOf(env, e.bcast.data(), e.bcast.size()));
    io.Set("linkspeed", bigU64(env, e.linkspeed));
    ifs.Set(i, io);
  }
  o.Set("interfaces", ifs);
  auto users = Napi::Array::New(env, h.users.size());
  for (size_t i = 0; i < h.users.size(); i++) {
    const auto& u = h.users[i];
    auto uo = Napi::Object::New(env);
    uo.Set("uid", num(env, u.uid));
    uo.Set("gid", num(env, u.gid));
    uo.Set("name", str(env, u.name));
    uo.Set("homedir", str(env, u.homedir));
    uo.Set("shell", str(env, u.shell));
    users.Set(i, uo);
  }
  o.Set("users", users);
  auto groups = Napi::Array::New(env, h.groups.size());
  for (size_t i = 0; i < h.groups.size(); i++) {
    auto go = Napi::Object::New(env);
    go.Set("gid", num(env, h.groups[i].gid));
    go.Set("name", str(env, h.groups[i].name));
    groups.Set(i, go);
  }
  o.Set("groups", groups);
  auto blocks = Napi::Array::New(env, h.blocks.size());
  for (size_t i = 0; i < h.blocks.size(); i++) {
    auto bo = Napi::Object::New(env);
    bo.Set("type", num(env, h.blocks[i].type));
    bo.Set("offset", num(env, static_cast<double>(h.blocks[i].offset)));
    bo.Set("length", num(env, h.blocks[i].length));
    blocks.Set(i, bo);
  }
  o.Set("blocks", blocks);
  return o;
}

Napi::Object errorToJs(Napi::Env env, const scap::ReadError& e) {
  auto o = Napi::Object::New(env);
  o.Set("message", str(env, e.message));
  o.Set("blockType", num(env, e.blockType));
  o.Set("offset", num(env, static_cast<double>(e.offset)));
  return o;
}

std::vector<uint8_t> u8Arg(const Napi::Value& v) {
  if (!v.IsTypedArray()) return {};
  auto a = v.As<Napi::Uint8Array>();
  return std::vector<uint8_t>(a.Data(), a.Data() + a.ElementLength());
}

class ReaderWrap : public Napi::ObjectWrap<ReaderWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeReader",
                       {
                           InstanceMethod<&ReaderWrap::Next>("next"),
                           InstanceMethod<&ReaderWrap::SectionCount>("sectionCount"),
                           InstanceMethod<&ReaderWrap::Section>("section"),
                           InstanceMethod<&ReaderWrap::Error>("error"),
                           InstanceMethod<&ReaderWrap::Compressed>("compressed"),
                           InstanceMethod<&ReaderWrap::FileSize>("fileSize"),
                           InstanceMethod<&ReaderWrap::BytesConsumed>("bytesConsumed"),
                           InstanceMethod<&ReaderWrap::Skipped>("skippedEvents"),
                           InstanceMethod<&ReaderWrap::GzipIndex>("gzipIndex"),
                           InstanceMethod<&ReaderWrap::Close>("close"),
                       });
  }

  // new NativeReader(path, paramCounts, largePayload, skipTypesFrom, batchSize[, reuseBatches])
  explicit ReaderWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ReaderWrap>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 5 || !info[0].IsString()) {
      Napi::TypeError::New(env, "NativeReader(path, paramCounts, largePayload, skipTypesFrom, batchSize)")
          .ThrowAsJavaScriptException();
      return;
    }
    scap::ReaderOptions o;
    o.paramCounts = u8Arg(info[1]);
    o.largePayload = u8Arg(info[2]);
    double skip = info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : -1;
    o.skipTypesFrom = skip >= 0 && skip <= 65536 ? static_cast<uint32_t>(skip)
                                                  : static_cast<uint32_t>(o.paramCounts.size());
    double bs = info[4].IsNumber() ? info[4].As<Napi::Number>().DoubleValue() : 65536;
    o.batchSize = bs >= 1 && bs <= (1 << 24) ? static_cast<size_t>(bs) : 65536;
    reuse_ = info.Length() > 5 && info[5].IsBoolean() && info[5].As<Napi::Boolean>().Value();
    if (!reader_.open(info[0].As<Napi::String>().Utf8Value(), std::move(o))) {
      const auto& e = reader_.error();
      auto err = Napi::Error::New(env, e.message);
      err.Value().Set("blockType", num(env, e.blockType));
      err.Value().Set("offset", num(env, static_cast<double>(e.offset)));
      err.ThrowAsJavaScriptException();
    }
  }

 private:
  Napi::Value Next(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    // The batch handed out last is about to be refilled by the decoder: cut JS off from it first.
    DetachLent();
    std::shared_ptr<scap::BatchBuf> bp = reader_.next();
    if (!bp) return env.Null();
    if (reuse_) return Lend(env, bp);
    const scap::BatchBuf& b = *bp;
    const size_t n = b.count;
    const size_t s = b.paramOff.size();
    const size_t a = b.arena.size();
    // Layout, widest elements first so every column stays aligned:
    // ts, tid, offset (8n each) | flags (4n), paramBase (4(n+1)), paramOff, paramLen (4s each)
    // | type, cpu (2n each) | arena (a)
    const size_t total = 24 * n + 4 * n + 4 * (n + 1) + 8 * s + 4 * n + a;
    // napi_create_buffer memory is not zero-filled (ArrayBuffer::New's is); every byte is
    // overwritten below.
    auto ab = Napi::Buffer<uint8_t>::New(env, total);
    auto* d = ab.Data();
    auto put = [&d](const void* src, size_t bytes) {
      if (bytes != 0) std::memcpy(d, src, bytes);
      d += bytes;
    };
    put(b.ts.data(), 8 * n);
    put(b.tid.data(), 8 * n);
    put(b.offset.data(), 8 * n);
    put(b.flags.data(), 4 * n);
    put(b.paramBase.data(), 4 * (n + 1));
    put(b.paramOff.data(), 4 * s);
    put(b.paramLen.data(), 4 * s);
    put(b.type.data(), 2 * n);
    put(b.cpu.data(), 2 * n);
    put(b.arena.data(), a);
    auto o = Napi::Object::New(env);
    o.Set("buffer", ab);
    o.Set("count", num(env, static_cast<double>(n)));
    o.Set("slots", num(env, static_cast<double>(s)));
    o.Set("arenaLength", num(env, static_cast<double>(a)));
    o.Set("firstNum", num(env, static_cast<double>(reader_.firstNum())));
    return o;
  }

  Napi::Value SectionCount(const Napi::CallbackInfo& info) {
    return num(info.Env(), static_cast<double>(reader_.sections().size()));
  }

  Napi::Value Section(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const auto& ss = reader_.sections();
    uint32_t i = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Uint32Value() : 0;
    if (i >= ss.size()) return env.Null();
    auto o = Napi::Object::New(env);
    o.Set("header", headerToJs(env, ss[i].header));
    o.Set("firstNum", num(env, static_cast<double>(ss[i].firstNum)));
    return o;
  }

  Napi::Value Error(const Napi::CallbackInfo& info) {
    if (!reader_.error().set()) return info.Env().Null();
    return errorToJs(info.Env(), reader_.error());
  }
  Napi::Value Compressed(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), reader_.compressed());
  }
  Napi::Value FileSize(const Napi::CallbackInfo& info) {
    return num(info.Env(), static_cast<double>(reader_.fileSize()));
  }
  Napi::Value BytesConsumed(const Napi::CallbackInfo& info) {
    return num(info.Env(), static_cast<double>(reader_.bytesConsumed()));
  }
  Napi::Value Skipped(const Napi::CallbackInfo& info) {
    return num(info.Env(), static_cast<double>(reader_.skippedEvents()));
  }
  Napi::Value GzipIndex(const Napi::CallbackInfo& info) {
    if (!reader_.compressed()) return info.Env().Null();
    std::vector<uint8_t> v = reader_.gzipIndex();
    return Napi::Buffer<uint8_t>::Copy(info.Env(), v.data(), v.size());
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    DetachLent();
    reader_.close();
    return info.Env().Undefined();
  }

  // reuseBatches: the pipeline's own column memory goes to JS as external ArrayBuffers, one per
  // column (no copy, no allocation per batch). Each buffer co-owns the batch (a shared_ptr in its
  // finalizer hint), so memory outlives the reader if JS keeps a view; and the buffers are
  // detached when the decoder takes the batch back (next next() or close()), so a stale view
  // reads as empty instead of seeing the refilled data.
  Napi::Value Lend(Napi::Env env, const std::shared_ptr<scap::BatchBuf>& bp) {
    scap::BatchBuf& b = *bp;
    const size_t n = b.count;
    const size_t s = b.paramOff.size();
    auto o = Napi::Object::New(env);
    auto wrap = [&](const char* name, void* data, size_t bytes) {
      Napi::ArrayBuffer ab;
      if (bytes == 0) {
        ab = Napi::ArrayBuffer::New(env, 0);
      } else {
        auto* hint = new std::shared_ptr<scap::BatchBuf>(bp);
        ab = Napi::ArrayBuffer::New(
            env, data, bytes,
            [](Napi::Env, void*, std::shared_ptr<scap::BatchBuf>* h) { delete h; }, hint);
        lent_.push_back(Napi::Weak(ab));
      }
      o.Set(name, ab);
    };
    wrap("ts", b.ts.data(), 8 * n);
    wrap("tid", b.tid.data(), 8 * n);
    wrap("offset", b.offset.data(), 8 * n);
    wrap("flags", b.flags.data(), 4 * n);
    wrap("paramBase", b.paramBase.data(), 4 * (n + 1));
    wrap("paramOff", b.paramOff.data(), 4 * s);
    wrap("paramLen", b.paramLen.data(), 4 * s);
    wrap("type", b.type.data(), 2 * n);
    wrap("cpu", b.cpu.data(), 2 * n);
    wrap("arena", b.arena.data(), b.arena.size());
    o.Set("count", num(env, static_cast<double>(n)));
    o.Set("slots", num(env, static_cast<double>(s)));
    o.Set("arenaLength", num(env, static_cast<double>(b.arena.size())));
    o.Set("firstNum", num(env, static_cast<double>(reader_.firstNum())));
    return o;
  }

  void DetachLent() {
    for (auto& r : lent_) {
      if (r.IsEmpty()) continue;
      Napi::ArrayBuffer ab = r.Value();
      if (!ab.IsEmpty() && !ab.IsDetached()) ab.Detach();
    }
    lent_.clear();
  }

  scap::Pipeline reader_;
  bool reuse_ = false;
  std::vector<Napi::Reference<Napi::ArrayBuffer>> lent_;
};

Napi::Value ScanBlocks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "scanBlocks(path)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  scap::ReadError err;
  auto blocks = scap::scanBlocks(info[0].As<Napi::String>().Utf8Value(), err);
  auto arr = Napi::Array::New(env, blocks.size());
  for (size_t i = 0; i < blocks.size(); i++) {
    auto bo = Napi::Object::New(env);
    bo.Set("type", num(env, blocks[i].type));
    bo.Set("offset", num(env, static_cast<double>(blocks[i].offset)));
    bo.Set("length", num(env, blocks[i].length));
    arr.Set(i, bo);
  }
  auto o = Napi::Object::New(env);
  o.Set("blocks", arr);
  o.Set("error", err.set() ? Napi::Value(errorToJs(env, err)) : env.Null());
  return o;
}

// gzipReadRange(path, index: Uint8Array (may be empty), offset, length) -> Buffer
Napi::Value GzipReadRange(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsString() || !info[1].IsTypedArray() || !info[2].IsNumber() ||
      !info[3].IsNumber()) {
    Napi::TypeError::New(env, "gzipReadRange(path, index, offset, length)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto idx = info[1].As<Napi::Uint8Array>();
  const double off = info[2].As<Napi::Number>().DoubleValue();
  const double len = info[3].As<Napi::Number>().DoubleValue();
  if (!(off >= 0) || !(len >= 0) || len > (1u << 30)) {
    Napi::RangeError::New(env, "gzipReadRange: bad offset or length").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::vector<uint8_t> out;
  std::string err;
  if (!scap::gzReadRange(info[0].As<Napi::String>().Utf8Value(), idx.Data(), idx.ByteLength(),
                         static_cast<uint64_t>(off), static_cast<size_t>(len), out, err)) {
    Napi::Error::New(env, err).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Buffer<uint8_t>::Copy(env, out.data(), out.size());
}

// gzipBuildIndex(path, span) -> Buffer: one inflating pass recording access points.
Napi::Value GzipBuildIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "gzipBuildIndex(path, span)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const double span = info[1].As<Napi::Number>().DoubleValue();
  std::vector<scap::GzPoint> points;
  std::string err;
  if (!scap::gzBuildIndex(info[0].As<Napi::String>().Utf8Value(),
                          span >= 65536 ? static_cast<uint64_t>(span) : 65536, points, err)) {
    Napi::Error::New(env, err).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::vector<uint8_t> v = scap::serializePoints(points);
  return Napi::Buffer<uint8_t>::Copy(env, v.data(), v.size());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("gzipReadRange", Napi::Function::New(env, GzipReadRange));
  exports.Set("gzipBuildIndex", Napi::Function::New(env, GzipBuildIndex));
  exports.Set("NativeReader", ReaderWrap::Define(env));
  exports.Set("scanBlocks", Napi::Function::New(env, ScanBlocks));
  return exports;
}

}  // namespace

NODE_API_MODULE(scap_reader, Init)
