// A one-line progress bar with the elapsed time and an ETA, drawn on a
// terminal's stderr for commands that run longer than about a second
// (sweep, capacity, size). Nothing is drawn when stderr is not a terminal,
// nor during the first second (quick commands stay quiet).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>

namespace fleetlab::cli {

class ProgressBar {
 public:
  // `unit` names what is counted ("points", "configurations").
  ProgressBar(std::FILE* to, std::string unit);
  // Whether the bar draws at all (stderr is a terminal).
  bool active() const { return active_; }
  // Redraws at most 10 times a second; thread-safe.
  void Update(std::uint64_t done, std::uint64_t total);
  // A callback for library progress hooks, or an empty one when inactive.
  std::function<void(std::uint64_t, std::uint64_t)> Callback();
  // Ends the line if anything was drawn.
  void Finish();

 private:
  using Clock = std::chrono::steady_clock;
  std::FILE* to_;
  std::string unit_;
  bool active_ = false, drawn_ = false;
  Clock::time_point start_, last_{};
  std::mutex mutex_;
};

}  // namespace fleetlab::cli
