#include "pktmap/report/version.hpp"

#include <pcap/pcap.h>

namespace pktmap::report {

std::string version_text(std::string_view tool, std::string_view more) {
  std::string s(tool);
  s += " " PKTMAP_VERSION " (pktmap)\n";
  s += pcap_lib_version();
  if (!more.empty()) {
    s += '\n';
    s += more;
  }
  return s;
}

}  // namespace pktmap::report
