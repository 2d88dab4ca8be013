#include "pktmap/pcp/timers.hpp"

#include <catch2/catch.hpp>

using namespace pktmap::pcp;

TEST_CASE("retransmission: IRT, doubling, MRT cap, each with +-10% jitter (RFC 6887 8.1.1)",
          "[pcp][timers]") {
  RetransmitParams p;  // RFC defaults: IRT 3 s, MRT 1024 s
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    RetransmitSchedule s(p, seed);
    double prev = static_cast<double>(s.next().count());
    CHECK(prev >= 2700 - 1);
    CHECK(prev <= 3300);
    bool capped = false;
    for (int i = 0; i < 20; ++i) {
      double rt = static_cast<double>(s.next().count());
      if (rt >= 0.9 * 1024000 - 1 && rt <= 1.1 * 1024000) {
        capped = true;
      } else {
        CHECK(rt >= 0.9 * 2 * prev - 1);
        CHECK(rt <= 1.1 * 2 * prev + 1);
        CHECK_FALSE(capped);  // once at MRT it stays there
      }
      prev = rt;
    }
    CHECK(capped);
  }
}

TEST_CASE("retransmission: jitter is not constant", "[pcp][timers]") {
  RetransmitSchedule a(RetransmitParams{}, 1), b(RetransmitParams{}, 2);
  bool differ = false;
  for (int i = 0; i < 5; ++i)
    differ = differ || a.next() != b.next();
  CHECK(differ);
}

TEST_CASE("retransmission: MRC and MRD limits", "[pcp][timers]") {
  RetransmitParams p;
  p.mrc = 2;
  RetransmitSchedule s(p, 1);
  CHECK(s.may_retransmit(1, Millis(0)));
  CHECK(s.may_retransmit(2, Millis(0)));
  CHECK_FALSE(s.may_retransmit(3, Millis(0)));  // 1 transmission + 2 retransmissions
  p.mrc = 0;
  p.mrd = Millis(500);
  RetransmitSchedule d(p, 1);
  CHECK(d.may_retransmit(100, Millis(499)));
  CHECK_FALSE(d.may_retransmit(1, Millis(500)));
  RetransmitSchedule unlimited(RetransmitParams{}, 1);
  CHECK(unlimited.may_retransmit(100000, Millis(100'000'000)));
}

TEST_CASE("epoch validation (RFC 6887 8.5)", "[pcp][timers]") {
  EpochTracker t;
  CHECK(t.update(5000, 100));        // the first answer is valid
  CHECK(t.update(5010, 110));        // both clocks moved 10 s
  CHECK(t.update(5009, 110));        // 1 s backwards: reordering tolerated
  CHECK_FALSE(t.update(5, 111));     // went back: the server restarted
  CHECK(t.update(65, 171));          // 60 s on both sides
  CHECK_FALSE(t.update(1065, 181));  // server 1000 s ahead of a 10 s client step
  CHECK(t.update(1165, 281));
  CHECK_FALSE(t.update(1170, 681));  // client advanced 400 s, server only 5: state lost meanwhile
  // Drift allowance: 1/16 of the elapsed time plus 2 s.
  CHECK(t.update(1170 + 1000 + 60, 681 + 1000));
}
