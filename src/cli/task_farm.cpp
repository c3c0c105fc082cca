#include "cli/task_farm.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <numeric>
#include <stdexcept>
#include <thread>

#include "cli/interrupt.hpp"
#include "cli/mpi_world.hpp"

namespace otv::cli {
namespace {

// A child's pipe carries lines "L<result line>" and, when its task threw, "E<message>".
void child_write(int fd, char kind, const std::string& text) {
  std::string line = kind + text;
  std::replace(line.begin(), line.end(), '\n', ' ');
  line += '\n';
  for (std::size_t off = 0; off < line.size();) {
    const ssize_t w = ::write(fd, line.data() + off, line.size() - off);
    if (w <= 0) ::_exit(1);
    off += static_cast<std::size_t>(w);
  }
}

// This rank's child processes, one task each.
class LocalPool {
 public:
  struct Events {
    std::function<void(long long id, const std::string& line)> line;
    std::function<void(long long id)> done;
    std::function<void(long long id, const std::string& message)> error;
  };
  LocalPool(long long jobs, const TaskRunner& run) : jobs_(jobs), run_(run) {}
  ~LocalPool() { stop(); }
  bool has_room() const { return static_cast<long long>(active_.size()) < jobs_; }
  bool idle() const { return active_.empty(); }

  void start(long long id, const std::string& payload) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
      std::signal(SIGINT, SIG_DFL);
      std::signal(SIGTERM, SIG_DFL);
      ::close(fds[0]);
      int status = 0;
      try {
        run_(payload, [&](const std::string& line) { child_write(fds[1], 'L', line); });
      } catch (const std::exception& e) {
        child_write(fds[1], 'E', e.what());
        status = 1;
      }
      ::close(fds[1]);
      ::_exit(status);  // not exit(): the parent's atexit handlers (MPI's among them) are not the child's
    }
    ::close(fds[1]);
    active_.push_back({pid, fds[0], id, {}, false});
  }

  // Waits up to timeout_ms for output of any child and reports what arrived.
  void poll(int timeout_ms, const Events& on) {
    std::vector<pollfd> polls;
    for (const auto& c : active_) polls.push_back({c.fd, POLLIN, 0});
    if (polls.empty()) {
      ::usleep(static_cast<useconds_t>(timeout_ms) * 1000);
      return;
    }
    if (::poll(polls.data(), polls.size(), timeout_ms) < 0 && errno != EINTR)
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    for (std::size_t k = 0; k < polls.size(); ++k) {
      if (!(polls[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Child& c = active_[k];
      char buf[65536];
      const ssize_t r = ::read(c.fd, buf, sizeof buf);
      if (r > 0) {
        c.buffer.append(buf, static_cast<std::size_t>(r));
        for (auto nl = c.buffer.find('\n'); nl != std::string::npos; nl = c.buffer.find('\n')) {
          const std::string line = c.buffer.substr(1, nl - 1);
          const char kind = c.buffer[0];
          c.buffer.erase(0, nl + 1);
          if (kind == 'E') { c.failed = true; on.error(c.id, line); }
          else on.line(c.id, line);
        }
      } else if (r == 0 || errno != EINTR) {
        ::close(c.fd);
        int status = 0;
        ::waitpid(c.pid, &status, 0);
        c.pid = -1;
        if (c.failed) continue;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) on.done(c.id);
        else if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM) && interrupted()) continue;
        else on.error(c.id, "a worker process ended abnormally (status " + std::to_string(status) + ")");
      }
    }
    std::erase_if(active_, [](const Child& c) { return c.pid < 0; });
  }

  void stop() {
    for (auto& c : active_) ::kill(c.pid, SIGTERM);
    for (auto& c : active_) { ::close(c.fd); ::waitpid(c.pid, nullptr, 0); }
    active_.clear();
  }

 private:
  struct Child {
    pid_t pid;
    int fd;
    long long id;
    std::string buffer;
    bool failed;
  };
  long long jobs_;
  const TaskRunner& run_;
  std::vector<Child> active_;
};

// Rank 0's view of the other ranks: how many tasks each takes at once (its hello).
std::vector<long long>& remote_capacity() {
  static std::vector<long long> capacity(static_cast<std::size_t>(mpi::size()), 0);
  return capacity;
}

constexpr int kPollMs = 200, kPollMsUnderMpi = 10;  // under MPI the loop also watches messages

}  // namespace

bool run_tasks(std::vector<Task> tasks, long long jobs, const TaskRunner& run,
               const std::function<void(const std::string&)>& on_line, const std::function<void()>& on_task_done) {
  // Largest estimated cost first (list scheduling); ties keep the given order.
  std::vector<long long> order(tasks.size());
  std::iota(order.begin(), order.end(), 0LL);
  std::stable_sort(order.begin(), order.end(), [&](long long a, long long b) { return tasks[a].cost > tasks[b].cost; });
  std::deque<long long> queue(order.begin(), order.end());

  const int ranks = mpi::size();
  auto& capacity = remote_capacity();
  std::vector<long long> outstanding(static_cast<std::size_t>(ranks), 0);
  std::string error;
  LocalPool pool(jobs, run);
  auto finished = [&] { on_task_done(); };
  auto failed = [&](const std::string& message) { if (error.empty()) error = message; };
  const LocalPool::Events local{[&](long long, const std::string& line) { on_line(line); }, [&](long long) { finished(); },
                                [&](long long, const std::string& message) { failed(message); }};
  auto busy_remote = [&] { return std::any_of(outstanding.begin(), outstanding.end(), [](long long k) { return k > 0; }); };

  while ((!queue.empty() && error.empty()) || !pool.idle() || busy_remote()) {
    if (interrupted()) { pool.stop(); return false; }
    if (error.empty()) {
      while (pool.has_room() && !queue.empty()) { pool.start(queue.front(), tasks[queue.front()].payload); queue.pop_front(); }
      for (int r = 1; r < ranks; ++r)
        while (outstanding[r] < capacity[r] && !queue.empty()) {
          mpi::send(r, mpi::Tag::task, std::to_string(queue.front()) + " " + tasks[queue.front()].payload);
          queue.pop_front();
          ++outstanding[r];
        }
    }
    pool.poll(ranks > 1 ? kPollMsUnderMpi : kPollMs, local);
    while (const auto m = mpi::try_receive()) {
      switch (m->tag) {
        case mpi::Tag::hello: capacity[m->source] = std::stoll(m->text); break;
        case mpi::Tag::line: on_line(m->text); break;
        case mpi::Tag::done: --outstanding[m->source]; finished(); break;
        case mpi::Tag::error: --outstanding[m->source]; failed("rank " + std::to_string(m->source) + ": " + m->text); break;
        default: break;
      }
    }
  }
  if (!error.empty()) throw std::runtime_error(error);
  return !interrupted();
}

void serve_tasks(long long jobs, const TaskRunner& run) {
  mpi::send(0, mpi::Tag::hello, std::to_string(jobs));
  LocalPool pool(jobs, run);
  std::deque<std::pair<long long, std::string>> pending;
  const LocalPool::Events events{
      [](long long, const std::string& line) { mpi::send(0, mpi::Tag::line, line); },
      [](long long id) { mpi::send(0, mpi::Tag::done, std::to_string(id)); },
      [](long long, const std::string& message) { mpi::send(0, mpi::Tag::error, message); }};
  for (;;) {
    if (interrupted()) return;  // ~LocalPool stops the children
    while (const auto m = mpi::try_receive()) {
      if (m->tag == mpi::Tag::end) return;
      if (m->tag == mpi::Tag::task) {
        const auto space = m->text.find(' ');
        pending.emplace_back(std::stoll(m->text.substr(0, space)), m->text.substr(space + 1));
      }
    }
    while (pool.has_room() && !pending.empty()) { pool.start(pending.front().first, pending.front().second); pending.pop_front(); }
    pool.poll(kPollMsUnderMpi, events);
  }
}

FarmSession::~FarmSession() {
  if (mpi::rank() != 0) return;
  for (int r = 1; r < mpi::size(); ++r) mpi::send(r, mpi::Tag::end, "");
}

long long default_jobs() {
  const long long cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max(1LL, cores / mpi::local_size());
}

}  // namespace otv::cli
