#pragma once
// The offline read loop the capture-reading tools share: every packet goes to fn until the end of the file,
// Ctrl-C (report::interrupted()), or a read error, with the progress line on stderr when asked for.
#include <cstdint>
#include <string>

#include "pktmap/pcapio/packet_source.hpp"
#include "pktmap/report/interrupt.hpp"
#include "pktmap/report/progress.hpp"

namespace pktmap::pcapio {

// Returns the read error (file, record, offset), or an empty string when the file was read to its end or
// the run was interrupted.
template <class Fn>
std::string read_all(PacketSource& source, bool show_progress, Fn&& fn) {
  report::Progress progress(source.file_size());
  std::string error;
  Packet p;
  std::uint64_t n = 0;
  while (!report::interrupted()) {
    const ReadStatus rs = source.next(p);
    if (rs == ReadStatus::end) break;
    if (rs == ReadStatus::timeout) continue;
    if (rs == ReadStatus::error) {
      error = source.error();
      break;
    }
    fn(p);
    if (show_progress) progress.tick(++n, source.bytes_read());
  }
  progress.finish();
  return error;
}

}  // namespace pktmap::pcapio
