#include "cli/progress_bar.h"

#include <unistd.h>

namespace fleetlab::cli {

ProgressBar::ProgressBar(std::FILE* to, std::string unit)
    : to_(to), unit_(std::move(unit)), active_(isatty(fileno(to)) != 0), start_(Clock::now()) {}

void ProgressBar::Update(std::uint64_t done, std::uint64_t total) {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = Clock::now();
  if (now - start_ < std::chrono::seconds(1)) return;  // quick commands stay quiet
  if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = done ? elapsed * static_cast<double>(total - done) / static_cast<double>(done) : 0;
  const int width = 30, filled = total ? static_cast<int>(width * done / total) : width;
  std::fprintf(to_, "\r[%s%s] %llu/%llu %s  %.0f s elapsed  ETA %s ", std::string(filled, '#').c_str(),
               std::string(width - filled, ' ').c_str(), static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total), unit_.c_str(), elapsed,
               done ? (std::to_string(static_cast<long long>(eta + 0.5)) + " s").c_str() : "?");
  drawn_ = true;
  if (done == total) {
    std::fputc('\n', to_);
    drawn_ = false;
  }
  std::fflush(to_);
}

std::function<void(std::uint64_t, std::uint64_t)> ProgressBar::Callback() {
  if (!active_) return {};
  return [this](std::uint64_t done, std::uint64_t total) { Update(done, total); };
}

void ProgressBar::Finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (drawn_) std::fputc('\n', to_);
  drawn_ = false;
}

}  // namespace fleetlab::cli
