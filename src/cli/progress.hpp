#pragma once
// Progress of long work on stderr: a bar with ETA on a terminal, plain lines
// (at most one per 5 s, and the last) otherwise. Work that ends within 2 s
// prints nothing. A ticker thread redraws while no unit finishes, so a long
// step shows its elapsed time instead of a frozen "ETA 0 s".
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace otv::cli {

class Progress {
 public:
  Progress(std::string label, long long total);
  void advance(long long done_now = 1);  // done_now units finished since the last call (thread-safe)
  void finish();                         // final line if any was drawn; called by the destructor if needed
  void quiet(bool on);                   // draw nothing while on (a child process shows its own bar)
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

 private:
  using Clock = std::chrono::steady_clock;
  void maybe_draw(Clock::time_point now);  // mutex_ held
  void draw(bool final);                   // mutex_ held
  std::string label_;
  long long total_, done_ = 0;
  bool tty_, finished_ = false, drawn_ = false, quiet_ = false;
  Clock::time_point start_, last_draw_, last_advance_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread ticker_;
};

}  // namespace otv::cli
