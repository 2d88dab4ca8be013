// Baseline (c) of specs/perf.md: the plain libpcap read + memcpy + pcap_dump loop. Every tool ratio in
// bench/run-bench.sh is measured against this program on the same file in the same run.
#include <pcap/pcap.h>

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_pcap_copy IN.pcap OUT.pcap\n");
    return 1;
  }
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* in = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, err);
  if (!in) {
    std::fprintf(stderr, "%s\n", err);
    return 1;
  }
  pcap_t* dead = pcap_open_dead_with_tstamp_precision(pcap_datalink(in), 262144, PCAP_TSTAMP_PRECISION_NANO);
  pcap_dumper_t* out = pcap_dump_open(dead, argv[2]);
  if (!out) {
    std::fprintf(stderr, "%s\n", pcap_geterr(dead));
    return 1;
  }
  static unsigned char buf[262144];
  pcap_pkthdr* h;
  const u_char* d;
  while (pcap_next_ex(in, &h, &d) == 1) {
    std::memcpy(buf, d, h->caplen);
    pcap_dump(reinterpret_cast<u_char*>(out), h, buf);
  }
  pcap_dump_close(out);
  pcap_close(dead);
  pcap_close(in);
  return 0;
}
