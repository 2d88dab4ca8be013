// ICMPv4 (RFC 792) with RFC 4884 extensions: parse_icmp with and without a known wire length,
// parse_icmp_extension on raw bytes, the extension object iterator, and the builders: write_icmp
// reproduces a parsed message bar its checksum, write_icmp_error re-encodes quote + objects so that the
// extension parses back with the same objects.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/codec/icmp.hpp"
#include "pktmap/wire/byte_reader.hpp"

using namespace pktmap;
using namespace pktmap::codec;
using pktmap::fuzz::within;

namespace {

// object_count saturates at 255.
std::size_t capped(std::size_t n) {
  return n < 255 ? n : 255;
}

// Walks the objects; returns how many there were. Each object lies inside the structure.
std::size_t walk_objects(const IcmpExtension& e) {
  IcmpExtObjectIterator it(e.objects);
  IcmpExtObject o;
  std::size_t n = 0, bytes = 0;
  while (it.next(o)) {
    PKTMAP_FUZZ_CHECK(o.length >= kIcmpExtObjectHeaderLen && o.payload.size() == o.length - 4u);
    PKTMAP_FUZZ_CHECK(within(o.payload, e.objects));
    bytes += o.length;
    PKTMAP_FUZZ_CHECK(bytes <= e.objects.size());
    ++n;
  }
  return n;
}

void check_extension(const Result<IcmpExtension>& r, ByteView bytes) {
  const IcmpExtension& e = r.value();
  if (!r.ok()) PKTMAP_FUZZ_CHECK(!r.name().empty() && r.name() != "ok");
  PKTMAP_FUZZ_CHECK(within(e.bytes, bytes) && within(e.objects, bytes));
  std::size_t n = walk_objects(e);
  if (r.ok()) PKTMAP_FUZZ_CHECK(e.version == 2 && capped(n) == e.object_count && n >= 1);
}

void check_view(const Result<IcmpView>& r, ByteView in) {
  const IcmpView& v = r.value();
  if (!r.ok()) PKTMAP_FUZZ_CHECK(!r.name().empty() && r.name() != "ok");
  PKTMAP_FUZZ_CHECK(within(v.header, in) && within(v.payload, in) && within(v.quoted, v.payload));
  if (v.header.empty()) return;
  PKTMAP_FUZZ_CHECK(v.header.size() == kIcmpHeaderLen && v.payload.size() == in.size() - kIcmpHeaderLen);
  if (v.has_extension) {
    PKTMAP_FUZZ_CHECK(v.is_error() && within(v.ext.bytes, v.payload));
    PKTMAP_FUZZ_CHECK(v.ext.bytes.empty() || v.ext.bytes.data() == v.quoted.data() + v.quoted.size());
    std::size_t n = walk_objects(v.ext);
    if (r.ok()) PKTMAP_FUZZ_CHECK(capped(n) == v.ext.object_count && v.quoted.size() >= kIcmpExtMinDatagram);
  }
  (void)v.id();
  (void)v.seq();
  (void)v.pointer();
  (void)v.next_hop_mtu();
  (void)v.gateway();
  (void)v.is_admin_prohibited();
  (void)icmp_unreach_code_name(v.code);
}

void check_round_trip(const IcmpView& v, ByteView in) {
  std::vector<std::uint8_t> out(in.size());
  ByteWriter w(out);
  write_icmp(w, {.type = v.type, .code = v.code, .rest = v.rest}, v.payload);
  PKTMAP_FUZZ_CHECK(w.ok() && w.size() == in.size() && icmp_checksum_ok(out));
  PKTMAP_FUZZ_CHECK(std::memcmp(out.data(), in.data(), 2) == 0 &&
                    std::memcmp(out.data() + 4, in.data() + 4, in.size() - 4) == 0);
  if (!v.has_extension) return;
  // Quote + the same objects through write_icmp_error: a compliant (Length-carrying) message.
  std::vector<std::uint8_t> objs(v.ext.objects.size());
  ByteWriter ow(objs);
  IcmpExtObjectIterator it(v.ext.objects);
  IcmpExtObject o;
  std::size_t n = 0;
  while (it.next(o)) {
    write_icmp_ext_object(ow, o.class_num, o.c_type, o.payload);
    ++n;
  }
  PKTMAP_FUZZ_CHECK(ow.ok());
  if (n == 0) return;
  std::vector<std::uint8_t> msg(kIcmpHeaderLen + 1024 + 4 + ow.size());
  ByteWriter mw(msg);
  write_icmp_error(mw, {.type = v.type, .code = v.code, .rest = v.rest}, v.quoted, ow.written());
  if (!mw.ok()) {
    PKTMAP_FUZZ_CHECK(((v.quoted.size() + 3) & ~std::size_t{3}) > 1020);
    return;
  }
  auto back = parse_icmp(mw.written(), mw.size());
  PKTMAP_FUZZ_CHECK(back.ok() && back->has_extension && !back->ext.legacy && back->ext.checksum_ok);
  PKTMAP_FUZZ_CHECK(back->ext.object_count == capped(n) && icmp_checksum_ok(mw.written()));
  PKTMAP_FUZZ_CHECK(back->ext.objects.size() == ow.size() &&
                    std::memcmp(back->ext.objects.data(), ow.written().data(), ow.size()) == 0);
  PKTMAP_FUZZ_CHECK(std::memcmp(back->quoted.data(), v.quoted.data(), v.quoted.size()) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto r = parse_icmp(in);
  check_view(r, in);
  check_view(parse_icmp(in, size), in);
  check_view(parse_icmp(in, size + 4), in);
  (void)icmp_checksum_ok(in);
  check_extension(parse_icmp_extension(in), in);
  check_extension(parse_icmp_extension(in, size), in);
  if (!r->header.empty()) check_round_trip(r.value(), in);
  return 0;
}
