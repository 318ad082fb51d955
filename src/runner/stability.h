// The stability verdict of an open system, judged per window with Little's
// law (docs/report.md, "Measurement"). JudgeTrend is a pure function over
// what the collector recorded: no simulator, no report.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetlab/time.h"

namespace fleetlab {

// The arrival window's history in bounded memory: at every stride-th
// measured arrival (stride 1, doubling whenever kMaxCheckpoints are kept),
// its time and the integral of the requests in system up to it; per run of
// stride arrivals, the time its requests spent in the system and, of it,
// waiting for service; and the integral at the window's end.
class BacklogHistory {
 public:
  static constexpr std::size_t kMaxCheckpoints = 4096;

  // The next measured arrival, at `t`, with the integral of requests in
  // system (request x ns) up to it.
  void Arrive(SimTime t, double area);
  // Measured arrival number `index` (0-based) left after `sojourn_s`, of
  // which it waited `wait_s` before its service began (a dropped request:
  // all of it). REQUIRES: 0 <= wait_s <= sojourn_s.
  void Left(std::uint64_t index, double sojourn_s, double wait_s);
  // The window closed at `end` with this integral and this many in system.
  void Close(SimTime end, double end_area, double end_in_system);
  // At the end of the run: requests still in flight count their time so
  // far, all of it as waiting (their service start is not known).
  void Finish(SimTime end);

  std::uint64_t arrivals() const { return n_; }
  std::uint64_t stride() const { return stride_; }
  // Checkpoint c is arrival c x stride().
  std::size_t checkpoints() const { return times_.size(); }
  SimTime time(std::size_t c) const { return times_[c]; }
  double area(std::size_t c) const { return areas_[c]; }
  SimTime end() const { return end_; }
  double end_area() const { return end_area_; }
  double end_in_system() const { return end_in_system_; }
  // Mean time in system (s) of the arrivals before checkpoint c, of those
  // that left (all of them after Finish); 0 if none did.
  double MeanSojournBefore(std::size_t c) const;
  // Mean wait for service (s) of the arrivals from checkpoint c0 up to c1
  // (c1 = checkpoints(): to the last arrival), of those that left.
  double MeanWaitBetween(std::size_t c0, std::size_t c1) const;

 private:
  struct Run {  // stride arrivals: [r x stride, (r + 1) x stride)
    double arrival_sum_s = 0, sojourn_sum_s = 0, wait_sum_s = 0;
    std::uint64_t left = 0;
  };
  void Compact();
  std::uint64_t RunSize(std::size_t r) const;

  std::uint64_t n_ = 0, stride_ = 1;
  std::vector<SimTime> times_;
  std::vector<double> areas_;
  std::vector<Run> runs_;
  SimTime end_ = 0;
  double end_area_ = 0, end_in_system_ = 0;
};

struct TrendVerdict {
  bool judged = false;   // false: too few arrivals or too short a window to judge a trend
  bool growing = false;  // the backlog grows beyond fluctuation and beyond filling
  // Little's law per quarter of the arrivals: L (time-averaged requests in
  // system), lambda (arrivals per second), W = L / lambda (seconds).
  double l[4] = {0, 0, 0, 0};
  double lambda[4] = {0, 0, 0, 0};
  double w_s[4] = {0, 0, 0, 0};
  // Mean wait for service of each quarter's arrivals (seconds).
  double wait_s[4] = {0, 0, 0, 0};
  double growth = 0;     // lambda-bar x (W4 - W2): backlog growth from the 2nd to the 4th quarter, requests
  double wait_growth = 0;  // lambda-bar x (wait4 - wait2): of it, requests waiting for service
  double threshold = 0;  // the growth a stable queue's fluctuations and a filling system can reach
  double fill_w_s = 0;   // mean time in system of the first quarter's arrivals
};

// Judges whether the backlog keeps growing once the system has filled. The
// arrivals are cut into four quarters of equal count (at the nearest
// checkpoint); Little's law gives each quarter's implied time in system
// W_q = L_q / lambda_q (normalising by the quarter's own rate, so a trace
// whose rate changes is not mistaken for a growing queue). The backlog grows
// when lambda-bar x (W4 - W2) exceeds
//   3 sqrt(n / 2) + 20 requests (a stable queue's fluctuation over half the
//   arrivals, the rule used before per-window judging),
//   1% of the window in W (a drift the run can show), and
//   lambda-bar x (W1-bar - duration of Q1), what a system still filling after
//   its first quarter could add (W1-bar: the mean time in system of the first
//   quarter's arrivals; a system that fills from empty is done within it),
//   when `credit_filling`: a caller whose capacity estimate already says the
//   offered load exceeds capacity passes false, since an overloaded queue's
//   first arrivals also stay long, which would pass for filling.
// When `credit_filling`, the growth must also be a queue's: the rise in the
// mean wait for service, lambda-bar x (wait4 - wait2), must exceed the
// fluctuation bound too. Requests in service are bounded by the servers (an
// LLM replica's batch slots and KV cache); a backlog grows without bound
// only by waiting. A fleet of LLM replicas whose batches are still filling
// (each step slower as more requests run, so W rises for several W) waits
// no longer, and is not mistaken for an overloaded one.
TrendVerdict JudgeTrend(const BacklogHistory& h, bool credit_filling = true);

}  // namespace fleetlab
