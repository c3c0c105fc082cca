#pragma once
// A farm of independent tasks: each runs in a child process (Boost's MPFR precision is
// process-wide, and a child's memory is returned when it ends), `jobs` at a time on each
// rank; under mpirun every rank's processes share one queue, largest estimated cost first,
// handed out on demand. Only rank 0 sees the results; it alone writes files.
#include <functional>
#include <string>
#include <vector>

namespace otv::cli {

// A task as text (the same on every rank: the runner parses it) and its estimated cost,
// used only for the order.
struct Task {
  std::string payload;
  double cost = 1;
};

// Runs one task in a child process; every emit() becomes one result line on rank 0.
// An exception ends the farm with its message.
using TaskRunner = std::function<void(const std::string& payload, const std::function<void(const std::string&)>& emit)>;

// Rank 0: runs the tasks on this rank's `jobs` processes and, under MPI, on every other
// rank's; on_line() gets each result line as it arrives (any order), on_task_done() each
// finished task. Returns false when interrupted (SIGINT/SIGTERM): tasks in flight are
// dropped, lines already delivered are kept. Throws std::runtime_error when a task failed.
bool run_tasks(std::vector<Task> tasks, long long jobs, const TaskRunner& run,
               const std::function<void(const std::string&)>& on_line, const std::function<void()>& on_task_done = [] {});

// Ranks other than 0: serve rank 0's tasks with `jobs` processes until rank 0 ends the
// farm (FarmSession) or a signal arrives.
void serve_tasks(long long jobs, const TaskRunner& run);

// Rank 0 holds one for the lifetime of a command's farm; its destructor releases the
// other ranks from serve_tasks.
class FarmSession {
 public:
  FarmSession() = default;
  ~FarmSession();
  FarmSession(const FarmSession&) = delete;
  FarmSession& operator=(const FarmSession&) = delete;
};

// Default worker processes per rank: the cores of this node shared by its ranks.
long long default_jobs();

}  // namespace otv::cli
