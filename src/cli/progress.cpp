#include "cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace otv::cli {

Progress::Progress(std::string label, long long total)
    : label_(std::move(label)), total_(total), tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::advance(long long done_now) {
  done_ += done_now;
  const auto now = std::chrono::steady_clock::now();
  const auto min_gap = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
  if (done_ < total_ && now - last_draw_ >= min_gap) {  // the last line is finish()'s
    last_draw_ = now;
    draw(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::draw(bool final) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double frac = total_ > 0 ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
  const std::string eta = done_ > 0 && done_ < total_ ? fmt::format("ETA {:.0f} s", elapsed * (1 - frac) / frac) : "";
  if (tty_) {
    constexpr int width = 30;
    const int filled = static_cast<int>(frac * width);
    std::fprintf(stderr, "\r%s [%s%s] %lld/%lld %.0f s %s\033[K%s", label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), done_, total_, elapsed, eta.c_str(), final ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s: %lld/%lld done, %.0f s %s\n", label_.c_str(), done_, total_, elapsed, eta.c_str());
  }
  std::fflush(stderr);
}

}  // namespace otv::cli
