// The file loop of `capport-probe enforce` and its report (see enforce_run.hpp).
#include "pktmap/capport/enforce_run.hpp"

#include <memory>

#include "pktmap/capport/verdict.hpp"
#include "pktmap/dissect/l3_summary.hpp"
#include "pktmap/pcapio/packet_source.hpp"
#include "pktmap/pcapio/pcap_writer.hpp"
#include "pktmap/pcapio/read_loop.hpp"
#include "pktmap/report/interrupt.hpp"
#include "pktmap/report/json_writer.hpp"

namespace pktmap::capport {

namespace {

class FileSink : public EnforceSink {
 public:
  FileSink(const EnforceRunOptions& o, int linktype, bool nano) : out_(o.output, linktype, nano) {
    if (!o.internet_out.empty())
      internet_ = std::make_unique<pcapio::PcapWriter>(o.internet_out, linktype, nano);
    if (!o.rejected_out.empty())
      rejected_ = std::make_unique<pcapio::PcapWriter>(o.rejected_out, linktype, nano);
  }
  void client_side(ByteView f, std::uint32_t wire, std::int64_t ts) override { out_.write(f, wire, ts); }
  void internet_side(ByteView f, std::uint32_t wire, std::int64_t ts) override {
    if (internet_) internet_->write(f, wire, ts);
  }
  void rejected(ByteView f, std::uint32_t wire, std::int64_t ts) override {
    if (rejected_) rejected_->write(f, wire, ts);
  }
  void commit() {
    out_.commit();
    if (internet_) internet_->commit();
    if (rejected_) rejected_->commit();
  }

 private:
  pcapio::PcapWriter out_;
  std::unique_ptr<pcapio::PcapWriter> internet_;
  std::unique_ptr<pcapio::PcapWriter> rejected_;
};

std::string addr_text(const ClientEntry& c) {
  char buf[48];
  return dissect::format_ip_bytes(c.version, c.addr.data(), buf);
}

std::string mac_text(const ClientEntry& c) {
  if (!c.has_mac) return "";
  char buf[18];
  return codec::format_mac(c.mac, buf);
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

}  // namespace

EnforceReport run_enforce_file(const EnforceConfig& config, const EnforceRunOptions& o) {
  auto source = pcapio::PacketSource::open_file(o.input);
  Enforcer enforcer(config, source.linktype());
  FileSink sink(o, source.linktype(), source.nanosecond());
  EnforceReport r;
  r.read_error =
      pcapio::read_all(source, o.show_progress, [&](const pcapio::Packet& p) { enforcer.process(p, sink); });
  sink.commit();
  r.interrupted = report::interrupted();
  r.totals = enforcer.totals();
  r.clients = enforcer.clients();
  auto head = enforcer.redirect_response();
  head = head.substr(0, head.find('\r'));
  r.redirect_status = std::string(head.substr(head.find(' ') + 1));
  r.notify_rate = config.notify_rate;
  r.notify_burst = config.notify_burst;
  return r;
}

int enforce_exit_code(const EnforceReport& r) {
  if (!r.read_error.empty()) return kExitError;
  return r.totals.rejected > 0 ? kExitEnforceRejected : 0;
}

std::string format_enforce_report(const EnforceReport& r, const EnforceRunOptions& o) {
  const auto& t = r.totals;
  std::string s = "enforce " + o.input + " -> " + o.output + ": " + std::to_string(t.packets) + " packets, " +
                  std::to_string(t.blocked) + " blocked, " + std::to_string(t.dropped) +
                  " dropped inbound, " + std::to_string(t.intercepted) + " intercepted (HTTP), " +
                  std::to_string(t.local) + " local, " + std::to_string(t.rejected) + " rejected\n";
  s += "answers: " + std::to_string(t.notifications) + " ICMP notifications, " +
       std::to_string(t.suppressed) + " suppressed by the rate limit (" + num(r.notify_rate) + "/s, burst " +
       num(r.notify_burst) + "), " + std::to_string(t.redirects) + " HTTP redirects (" + r.redirect_status +
       ")\n";
  s += "written: " + std::to_string(t.client_side) + " to the client side";
  if (!o.internet_out.empty())
    s += ", " + std::to_string(t.to_internet) + " toward the Internet (" + o.internet_out + ")";
  s += "\n";
  if (!r.clients.empty()) s += "clients:\n";
  for (const auto& c : r.clients) {
    const auto& st = c.stats;
    s += "  " + addr_text(c);
    if (c.has_mac) s += " (" + mac_text(c) + ")";
    s += ": allowed " + std::to_string(st.allowed_out) + " out / " + std::to_string(st.allowed_in) +
         " in, walled garden " + std::to_string(st.garden_out) + " / " + std::to_string(st.garden_in) +
         ", blocked " + std::to_string(st.blocked_out) + " out / " + std::to_string(st.dropped_in) +
         " in, intercepted " + std::to_string(st.intercepted) + ", notifications " +
         std::to_string(st.notifications) + " sent / " + std::to_string(st.suppressed) +
         " suppressed, redirects " + std::to_string(st.redirects);
    if (c.accepted_packet) s += ", accepted the portal at #" + std::to_string(c.accepted_packet);
    s += "\n";
  }
  if (t.untracked)
    s += "untracked: " + std::to_string(t.untracked) + " packets of clients beyond max_clients\n";
  for (const auto& c : t.unanswered_reasons)
    s += "not answered (" + std::string(c.name) + "): " + std::to_string(c.value) + "\n";
  for (const auto& c : t.reject_reasons)
    s += "rejected (" + std::string(c.name) + "): " + std::to_string(c.value) + "\n";
  if (r.interrupted) s += "interrupted: the outputs hold the packets read so far\n";
  if (!r.read_error.empty()) s += "input error: " + r.read_error + "\n";
  return s;
}

std::string format_enforce_report_json(const EnforceReport& r, const EnforceRunOptions& o) {
  const auto& t = r.totals;
  report::JsonWriter j;
  j.begin_object();
  j.field("input", o.input).field("output", o.output);
  j.key("totals").begin_object();
  j.field("packets", t.packets).field("client_side", t.client_side).field("to_internet", t.to_internet);
  j.field("local", t.local).field("blocked", t.blocked).field("dropped_inbound", t.dropped);
  j.field("intercepted", t.intercepted)
      .field("notifications", t.notifications)
      .field("suppressed", t.suppressed);
  j.field("redirects", t.redirects).field("rejected", t.rejected).field("untracked", t.untracked);
  j.end_object();
  j.key("notify").begin_object().field("rate", r.notify_rate).field("burst", r.notify_burst).end_object();
  j.field("redirect_status", r.redirect_status);
  j.key("clients").begin_array();
  for (const auto& c : r.clients) {
    const auto& st = c.stats;
    j.begin_object();
    j.field("address", addr_text(c));
    if (c.has_mac) j.field("mac", mac_text(c));
    j.field("allowed_out", st.allowed_out).field("allowed_in", st.allowed_in);
    j.field("walled_garden_out", st.garden_out).field("walled_garden_in", st.garden_in);
    j.field("blocked_out", st.blocked_out).field("dropped_in", st.dropped_in);
    j.field("intercepted", st.intercepted).field("notifications", st.notifications);
    j.field("suppressed", st.suppressed).field("unanswered", st.unanswered).field("redirects", st.redirects);
    if (c.accepted_packet) j.field("accepted_packet", c.accepted_packet);
    j.end_object();
  }
  j.end_array();
  j.key("unanswered").begin_object();
  for (const auto& c : t.unanswered_reasons)
    j.field(c.name, c.value);
  j.end_object();
  j.key("rejected").begin_object();
  for (const auto& c : t.reject_reasons)
    j.field(c.name, c.value);
  j.end_object();
  j.field("interrupted", r.interrupted);
  if (!r.read_error.empty()) j.field("input_error", r.read_error);
  j.end_object();
  return std::string(j.view()) + "\n";
}

}  // namespace pktmap::capport
