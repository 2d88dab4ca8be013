// A transparent SF takes the replay's direct path (each frame restored as soon as it is sent, no queue, no
// side records). It must give the same report and the same restored capture as the emulated SF's queue.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "pktmap/sfc/replay.hpp"

using namespace pktmap;
using namespace pktmap::sfc;

namespace {
std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace

TEST_CASE("replay: the direct path of a transparent SF agrees with the emulated SF's queue") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("pktmap-direct-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (auto [mode, per] : {std::pair{ModeKind::mac, Granularity::packet},
                           {ModeKind::mac_pair, Granularity::flow},
                           {ModeKind::vlan, Granularity::flow},
                           {ModeKind::qinq, Granularity::path},
                           {ModeKind::five_tuple, Granularity::flow}}) {
    SECTION(std::string(mode_name(mode)) + " per " + granularity_name(per)) {
      ReplayReport reports[2];
      std::string outputs[2];
      for (int direct = 0; direct < 2; ++direct) {
        ReplayOptions o;
        o.input = std::string(PKTMAP_CAPTURES) + "/sfc-sample.pcap";
        o.out = (dir / ("out" + std::to_string(direct) + ".pcap")).string();
        o.proxy.mode.kind = mode;
        o.proxy.mode.per = per;
        o.proxy.mode.limit = mode == ModeKind::vlan ? 40 : 0;  // evictions on the way
        o.proxy.path_pairs = {{101, 201}, {102, 202}};
        o.show_progress = false;
        o.sf_direct = direct == 1;
        reports[direct] = run_replay(o);
        outputs[direct] = slurp(o.out);
      }
      const ReplayReport& q = reports[0];
      const ReplayReport& d = reports[1];
      CHECK(d.packets_in == q.packets_in);
      CHECK(d.to_sf == q.to_sf);
      CHECK(d.sf_returned == q.sf_returned);
      CHECK(d.restored == q.restored);
      CHECK(d.written == q.written);
      CHECK(d.accuracy.exact == q.accuracy.exact);
      CHECK(d.accuracy.path_only == q.accuracy.path_only);
      CHECK(d.accuracy.wrong_path == q.accuracy.wrong_path);
      CHECK(d.accuracy.lost == q.accuracy.lost);
      CHECK(d.drops.total() == q.drops.total());
      CHECK(d.table.inserted == q.table.inserted);
      CHECK(d.table.evicted == q.table.evicted);
      CHECK(d.table.peak == q.table.peak);
      CHECK(d.accuracy.exact > 0);
      CHECK(outputs[1] == outputs[0]);
      CHECK(!outputs[1].empty());
    }
  }
  fs::remove_all(dir);
}
