// The stability verdict of an open system, judged per window with Little's
// law (docs/report.md, "Stability"). Pure functions over what the collector
// recorded: no simulator, no report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetlab/time.h"

namespace fleetlab {

// The arrival window's history: at every measured arrival i (in order), its
// time and the integral of the requests in system up to it; the time each
// measured request spent in the system (NaN while it never left); and the
// integral at the window's end.
struct BacklogHistory {
  std::vector<SimTime> arrival;    // arrival[i]: time of the i-th measured arrival
  std::vector<double> area;        // area[i]: integral of requests in system (request x ns) at arrival[i]
  std::vector<float> sojourn_s;    // sojourn_s[i]: its time in system, or NaN
  SimTime end = 0;                 // the window's end (last arrival, or the run's duration)
  double end_area = 0;             // the integral at `end`
  double end_in_system = 0;        // requests in the system at `end`
  double start_in_system = 0;      // requests in the system at arrival[0] (before it)
};

struct TrendVerdict {
  bool judged = false;   // false: too few arrivals or too short a window to judge a trend
  bool growing = false;  // the backlog grows beyond fluctuation and beyond filling
  // Little's law per quarter of the arrivals: L (time-averaged requests in
  // system), lambda (arrivals per second), W = L / lambda (seconds).
  double l[4] = {0, 0, 0, 0};
  double lambda[4] = {0, 0, 0, 0};
  double w_s[4] = {0, 0, 0, 0};
  double growth = 0;     // lambda-bar x (W4 - W2): backlog growth from the 2nd to the 4th quarter, requests
  double threshold = 0;  // the growth a stable queue's fluctuations and a filling system can reach
  double fill_w_s = 0;   // mean time in system of the first quarter's arrivals
};

// Judges whether the backlog keeps growing once the system has filled. The
// arrivals are cut into four quarters of equal count; Little's law gives each
// quarter's implied time in system W_q = L_q / lambda_q (normalising by the
// quarter's own rate, so a trace whose rate changes is not mistaken for a
// growing queue). The backlog grows when lambda-bar x (W4 - W2) exceeds
//   3 sqrt(n / 2) + 20 requests (a stable queue's fluctuation over half the
//   arrivals, the rule used before per-window judging),
//   1% of the window in W (a drift the run can show), and
//   lambda-bar x (W1-bar - duration of Q1), what a system still filling after
//   its first quarter could add (W1-bar: the mean time in system of the first
//   quarter's arrivals; a system that fills from empty is done within it),
//   when `credit_filling`: a caller whose capacity estimate already says the
//   offered load exceeds capacity passes false, since an overloaded queue's
//   first arrivals also stay long, which would pass for filling.
TrendVerdict JudgeTrend(const BacklogHistory& h, bool credit_filling = true);

}  // namespace fleetlab
