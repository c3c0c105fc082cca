#pragma once
// Progress of long work on stderr: a bar with ETA on a terminal, plain lines
// (at most one per 5 s, and the last) otherwise.
#include <chrono>
#include <string>

namespace otv::cli {

class Progress {
 public:
  Progress(std::string label, long long total);
  void advance(long long done_now = 1);  // done_now units finished since the last call
  void finish();                         // final line; called by the destructor if needed
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

 private:
  void draw(bool final);
  std::string label_;
  long long total_, done_ = 0;
  bool tty_, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace otv::cli
