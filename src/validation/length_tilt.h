// Matching a dataset's request lengths to a benchmark's published means
// without distorting the lengths themselves: the exponential tilt of the
// dataset (weights proportional to exp(a x prompt + b x output)) whose
// weighted means are the published ones. Among all reweightings of the
// records with those means it is the one closest to the dataset (least
// Kullback-Leibler divergence; Csiszar 1975), and it keeps every record's
// own lengths, where scaling every length by one factor would move the
// longest replies with the mean (a dataset of 472-token replies at most
// 1,024 long, scaled to a 179-token mean, has no reply over 388 tokens,
// which no ShareGPT sample has).
#pragma once

#include <vector>

#include "fleetlab/status.h"
#include "fleetlab/workload/trace.h"

namespace fleetlab {

// Weights (summing to 1) of `records` whose weighted mean prompt and
// output lengths are `mean_prompt` and `mean_output` (to 1e-9 relative).
// Errors: no records, or a mean outside what the records' lengths can
// average to (at or beyond their smallest or largest).
Result<std::vector<double>> TiltToMeans(const std::vector<TraceRecord>& records, double mean_prompt,
                                        double mean_output);

}  // namespace fleetlab
