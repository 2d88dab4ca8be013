#include "pktmap/codec/ethernet.hpp"

#include <string_view>

#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

Result<EthernetView> parse_ethernet(ByteView frame) {
  ByteReader r(frame);
  EthernetView v;
  auto hdr = r.bytes(kEthernetHeaderLen);
  if (!hdr) return truncated("ethernet_truncated");
  v.header = *hdr;
  for (int i = 0; i < 6; ++i) {
    v.dst[i] = (*hdr)[i];
    v.src[i] = (*hdr)[6 + i];
  }
  v.ethertype = static_cast<std::uint16_t>(((*hdr)[12] << 8) | (*hdr)[13]);
  v.payload = r.rest();
  return v;
}

void write_ethernet(ByteWriter& w, const MacAddr& dst, const MacAddr& src, std::uint16_t ethertype) {
  w.bytes(dst);
  w.bytes(src);
  w.be16(ethertype);
}

std::string format_mac(const MacAddr& mac) {
  char out[18];
  return format_mac(mac, out);
}

const char* format_mac(const MacAddr& mac, char (&out)[18]) {
  constexpr char kDigits[] = "0123456789abcdef";
  for (int i = 0; i < 6; ++i) {
    out[3 * i] = kDigits[mac[i] >> 4];
    out[3 * i + 1] = kDigits[mac[i] & 0xf];
    out[3 * i + 2] = i == 5 ? '\0' : ':';
  }
  return out;
}

bool parse_mac(std::string_view text, MacAddr& out) {
  if (text.size() != 17) return false;
  for (int i = 0; i < 6; ++i) {
    int v = 0;
    for (int j = 0; j < 2; ++j) {
      char c = text[3 * i + j];
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0) return false;
      v = v * 16 + d;
    }
    if (i < 5 && text[3 * i + 2] != ':' && text[3 * i + 2] != '-') return false;
    out[i] = static_cast<std::uint8_t>(v);
  }
  return true;
}

}  // namespace pktmap::codec
