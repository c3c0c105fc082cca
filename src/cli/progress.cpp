#include "cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace otv::cli {

namespace {
constexpr auto kQuiet = std::chrono::seconds(2);  // nothing is drawn before
}

Progress::Progress(std::string label, long long total)
    : label_(std::move(label)), total_(total), tty_(::isatty(STDERR_FILENO) != 0), start_(Clock::now()), last_draw_(start_),
      last_advance_(start_) {
  ticker_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!finished_) {
      wake_.wait_for(lock, std::chrono::seconds(1));
      if (!finished_) maybe_draw(Clock::now());
    }
  });
}

Progress::~Progress() { finish(); }

void Progress::advance(long long done_now) {
  std::lock_guard lock(mutex_);
  done_ += done_now;
  last_advance_ = Clock::now();
  if (done_ < total_) maybe_draw(last_advance_);  // the last line is finish()'s
}

void Progress::finish() {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
    if (drawn_) draw(true);
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void Progress::quiet(bool on) {
  std::lock_guard lock(mutex_);
  quiet_ = on;
}

void Progress::maybe_draw(Clock::time_point now) {
  if (quiet_) return;
  const auto min_gap = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
  if (now - start_ >= kQuiet && (!drawn_ || now - last_draw_ >= min_gap)) {
    last_draw_ = now;
    drawn_ = true;
    draw(false);
  }
}

void Progress::draw(bool final) {
  const auto now = Clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double frac = total_ > 0 ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
  std::string eta;
  if (done_ > 0 && done_ < total_) {
    // The rate of the finished units, less the time the current one has run.
    const double at_advance = std::chrono::duration<double>(last_advance_ - start_).count();
    const double since = std::chrono::duration<double>(now - last_advance_).count();
    const double remaining = at_advance * (1 - frac) / frac - since;
    eta = remaining >= 1 ? fmt::format("ETA {:.0f} s", remaining) : fmt::format("ETA unknown (last unit {:.0f} s ago)", since);
  }
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
