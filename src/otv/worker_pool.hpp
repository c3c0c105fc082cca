#pragma once
// A persistent pool of worker threads for the row split of a layer: started once
// per process, so a layer costs no thread creation, and MPFR's per-thread caches
// (constants such as log 2) are built once per worker rather than per layer.
//
// Floating-point exception flags are per thread: the flags the workers raise are
// raised again on the caller, so <cfenv> checks see every overflow and underflow.
// A child of fork() (breakdown --jobs) has no workers: the pool notices the new
// process and starts its own.
#include <unistd.h>

#include <algorithm>
#include <cfenv>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace otv {

class WorkerPool {
 public:
  // The process's pool: one thread per core, the caller included.
  static WorkerPool& shared() {
    static std::mutex guard;
    static WorkerPool* pool = nullptr;
    static pid_t owner = 0;
    std::lock_guard<std::mutex> lock(guard);
    if (pool == nullptr || owner != ::getpid()) {
      // After fork() the old pool's threads do not exist: leave it, never join it.
      pool = new WorkerPool(std::max(1u, std::thread::hardware_concurrency()));
      owner = ::getpid();
    }
    return *pool;
  }

  unsigned threads() const { return static_cast<unsigned>(workers_.size()) + 1; }

  // Runs task(b) for b in [0, blocks): block 0 on the caller, block b on worker
  // b - 1; returns when all have finished. blocks <= threads(). A call from a
  // worker, or while another thread's call runs, runs its blocks in turn.
  void run(unsigned blocks, const std::function<void(unsigned)>& task) {
    std::unique_lock<std::mutex> busy(run_mutex_, std::try_to_lock);
    if (blocks <= 1 || in_worker() || !busy.owns_lock()) {
      for (unsigned b = 0; b < blocks; ++b) task(b);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(m_);
      task_ = &task;
      blocks_ = std::min(blocks, threads());
      pending_ = blocks_ - 1;
      flags_ = 0;
      error_ = nullptr;
      ++generation_;
    }
    start_.notify_all();
    std::exception_ptr caller_error;
    try {
      task(0);
    } catch (...) {
      caller_error = std::current_exception();
    }
    std::unique_lock<std::mutex> lock(m_);
    done_.wait(lock, [&] { return pending_ == 0; });
    task_ = nullptr;
    if (flags_) std::feraiseexcept(flags_);
    if (caller_error) std::rethrow_exception(caller_error);
    if (error_) std::rethrow_exception(error_);
  }

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

 private:
  explicit WorkerPool(unsigned threads) {
    for (unsigned w = 1; w < threads; ++w) workers_.emplace_back([this, w] { work(w); });
    for (auto& t : workers_) t.detach();  // lives as long as the process
  }

  static bool& in_worker() {
    static thread_local bool flag = false;
    return flag;
  }

  void work(unsigned index) {
    in_worker() = true;
    unsigned long long seen = 0;
    for (;;) {
      std::unique_lock<std::mutex> lock(m_);
      start_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      if (index >= blocks_) continue;
      const auto* task = task_;
      lock.unlock();
      std::feclearexcept(FE_ALL_EXCEPT);
      std::exception_ptr error;
      try {
        (*task)(index);
      } catch (...) {
        error = std::current_exception();
      }
      const int raised = std::fetestexcept(FE_ALL_EXCEPT);
      lock.lock();
      flags_ |= raised;
      if (error && !error_) error_ = error;
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex run_mutex_;  // one run at a time
  std::mutex m_;
  std::condition_variable start_, done_;
  unsigned long long generation_ = 0;
  const std::function<void(unsigned)>* task_ = nullptr;
  unsigned blocks_ = 0, pending_ = 0;
  int flags_ = 0;
  std::exception_ptr error_;
};

}  // namespace otv
