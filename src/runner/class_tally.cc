#include "runner/class_tally.h"

namespace fleetlab {

ClassTally::ClassTally(const std::vector<WorkloadClass>& classes) : classes_(classes), tallies_(classes.size()) {}

// A request meets its class's objectives when each one given holds: TTFT
// and TPOT (when the system makes tokens) and end-to-end latency.
void ClassTally::OnCompleted(const Request& r, SimTime now) {
  if (r.request_class >= tallies_.size()) return;
  Tally& t = tallies_[r.request_class];
  const WorkloadClass& c = classes_[r.request_class];
  ++t.completed;
  const double e2e_s = NsToSeconds(now - r.arrival);
  t.e2e_ms.Add(e2e_s * 1e3);
  bool met = c.e2e_slo_s <= 0 || e2e_s <= c.e2e_slo_s;
  if (r.first_token >= 0) {
    const double ttft_s = NsToSeconds(r.first_token - r.arrival);
    t.ttft_ms.Add(ttft_s * 1e3);
    met = met && (c.ttft_slo_s <= 0 || ttft_s <= c.ttft_slo_s);
    if (r.output_tokens > 1) {
      const double tpot_s = NsToSeconds(now - r.first_token) / static_cast<double>(r.output_tokens - 1);
      t.tpot_ms.Add(tpot_s * 1e3);
      met = met && (c.tpot_slo_s <= 0 || tpot_s <= c.tpot_slo_s);
    }
  }
  t.met += met;
}

void ClassTally::OnDropped(const Request& r) {
  if (r.request_class < tallies_.size()) ++tallies_[r.request_class].dropped;
}

std::vector<ClassReport> ClassTally::Fill(double window_s) const {
  std::vector<ClassReport> out;
  for (std::size_t k = 0; k < classes_.size(); ++k) {
    const Tally& t = tallies_[k];
    ClassReport c;
    c.name = classes_[k].name;
    c.completed = t.completed;
    c.dropped = t.dropped;
    c.e2e_ms = t.e2e_ms.Summarize();
    c.ttft_ms = t.ttft_ms.Summarize();
    c.tpot_ms = t.tpot_ms.Summarize();
    c.ttft_slo_ms = classes_[k].ttft_slo_s * 1e3;
    c.tpot_slo_ms = classes_[k].tpot_slo_s * 1e3;
    c.e2e_slo_ms = classes_[k].e2e_slo_s * 1e3;
    const std::uint64_t judged = t.completed + t.dropped;
    c.slo_attainment = judged > 0 ? static_cast<double>(t.met) / static_cast<double>(judged) : 0.0;
    c.throughput_rps = window_s > 0 ? static_cast<double>(t.completed) / window_s : 0.0;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace fleetlab
