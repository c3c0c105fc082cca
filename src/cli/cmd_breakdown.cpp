// otverify breakdown and otverify merge: the lambda sweep in worker processes
// (Boost's precision is process-wide), results appended as JSON lines as each
// cell finishes, --resume, --shard, bisection of lambda*, and the threshold table.
#include <fmt/format.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include "cli/app_support.hpp"
#include "cli/breakdown_sweep.hpp"
#include "cli/interrupt.hpp"
#include "cli/output_file.hpp"
#include "cli/progress.hpp"

namespace otv::cli {
namespace {

using nlohmann::json;

struct Shard {
  long long index = 0, count = 1;
};

Shard parse_shard(const std::string& s) {
  Shard sh;
  const auto slash = s.find('/');
  try {
    std::size_t a = 0, b = 0;
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    sh.index = std::stoll(s.substr(0, slash), &a);
    sh.count = std::stoll(s.substr(slash + 1), &b);
    if (a != slash || b != s.size() - slash - 1) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw InputError("malformed --shard '" + s + "' (expected i/N with 0 <= i < N)");
  }
  if (sh.count < 1 || sh.index < 0 || sh.index >= sh.count) throw InputError("--shard " + s + " needs 0 <= i < N");
  return sh;
}

// Appends result lines to the --out file (flushed per line) and keeps them.
class ResultSink {
 public:
  ResultSink(const std::string& path, bool force, bool resume) : path_(path) {
    if (path_.empty()) return;
    if (resume && std::filesystem::exists(path_)) {
      results_ = read_results_tolerant();
      for (const auto& r : results_) keys_.insert(r["key"].get<std::string>());
      std::string kept;
      for (const auto& r : results_) kept += r.dump() + "\n";
      write_file_atomically(path_, kept, true);  // drops a line cut short by a crash
    } else {
      if (!force && std::filesystem::exists(path_)) throw InputError(path_ + " exists; pass --resume to continue it or --force to overwrite it");
      write_file_atomically(path_, "", true);
    }
    out_.open(path_, std::ios::app);
    if (!out_) throw InputError("cannot append to " + path_);
  }
  void add(const json& cell) {
    results_.push_back(cell);
    keys_.insert(cell["key"].get<std::string>());
    if (out_.is_open()) {
      out_ << cell.dump() << "\n";
      out_.flush();
    }
  }
  const std::vector<json>& results() const { return results_; }
  bool has(const std::string& key) const { return keys_.count(key) > 0; }

 private:
  // All lines of a previous run; only its last line may be incomplete (a run
  // killed while writing), and that line is dropped with a warning.
  std::vector<json> read_results_tolerant() {
    std::ifstream in(path_);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const bool cut = !all.empty() && all.back() != '\n';
    if (cut) {
      const auto last = all.find_last_of('\n');
      std::cerr << "otverify: warning: dropping the incomplete last line of " << path_ << "\n";
      all = last == std::string::npos ? std::string() : all.substr(0, last + 1);
      write_file_atomically(path_, all, true);
    }
    return read_results(path_);
  }
  std::string path_;
  std::ofstream out_;
  std::vector<json> results_;
  std::set<std::string> keys_;
};

struct Worker {
  pid_t pid;
  int fd;
  std::string buffer;
};

// Runs the groups in up to `jobs` child processes; each child writes one JSON
// line per finished cell to its pipe. Returns false if interrupted.
bool run_pool(const SweepOptions& o, const std::vector<Group>& groups, long long jobs, ResultSink& sink, Progress& progress) {
  std::vector<Worker> active;
  std::size_t next = 0;
  std::string child_error;
  auto stop_all = [&] {
    for (auto& w : active) ::kill(w.pid, SIGTERM);
    for (auto& w : active) { ::close(w.fd); ::waitpid(w.pid, nullptr, 0); }
    active.clear();
  };
  while (next < groups.size() || !active.empty()) {
    if (interrupted()) { stop_all(); return false; }
    while (static_cast<long long>(active.size()) < jobs && next < groups.size() && child_error.empty()) {
      int fds[2];
      if (::pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
      std::fflush(nullptr);
      const pid_t pid = ::fork();
      if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
      if (pid == 0) {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        ::close(fds[0]);
        auto write_line = [&](const json& j) {
          const std::string line = j.dump() + "\n";
          for (std::size_t off = 0; off < line.size();) {
            const ssize_t w = ::write(fds[1], line.data() + off, line.size() - off);
            if (w <= 0) ::_exit(1);
            off += static_cast<std::size_t>(w);
          }
        };
        int status = 0;
        try {
          run_group(o, groups[next], write_line);
        } catch (const std::exception& e) {
          write_line({{"error", e.what()}});
          status = 1;
        }
        ::close(fds[1]);
        ::_exit(status);
      }
      ::close(fds[1]);
      active.push_back({pid, fds[0], {}});
      ++next;
    }
    std::vector<pollfd> polls;
    for (const auto& w : active) polls.push_back({w.fd, POLLIN, 0});
    if (::poll(polls.data(), polls.size(), 200) < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    for (std::size_t k = 0; k < polls.size(); ++k) {
      if (!(polls[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Worker& w = active[k];
      char buf[65536];
      const ssize_t r = ::read(w.fd, buf, sizeof buf);
      if (r > 0) {
        w.buffer.append(buf, static_cast<std::size_t>(r));
        for (auto nl = w.buffer.find('\n'); nl != std::string::npos; nl = w.buffer.find('\n')) {
          const json j = json::parse(w.buffer.substr(0, nl));
          w.buffer.erase(0, nl + 1);
          if (j.contains("error")) child_error = j["error"].get<std::string>();
          else { sink.add(j); progress.advance(); }
        }
      } else if (r == 0 || (r < 0 && errno != EINTR)) {
        ::close(w.fd);
        int status = 0;
        ::waitpid(w.pid, &status, 0);
        if (child_error.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
          if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM)) { w.pid = -1; continue; }
          child_error = "a worker process ended abnormally (status " + std::to_string(status) + ")";
        }
        w.pid = -1;
      }
    }
    std::erase_if(active, [](const Worker& w) { return w.pid < 0; });
    if (!child_error.empty() && active.empty()) throw std::runtime_error("breakdown cell failed: " + child_error);
  }
  return !interrupted();
}

long long cells_in(const std::vector<Group>& groups) {
  long long k = 0;
  for (const auto& g : groups) k += static_cast<long long>(g.cells.size());
  return k;
}

// Drops the cells already in the sink (--resume) and the groups left empty.
std::vector<Group> pending(const SweepOptions& o, std::vector<Group> groups, const ResultSink& sink) {
  for (auto& g : groups)
    std::erase_if(g.cells, [&](const CellId& c) { return sink.has(cell_key(o, g.lambda, g.n, g.seed, c)); });
  std::erase_if(groups, [](const Group& g) { return g.cells.empty(); });
  return groups;
}

json summary(const std::vector<json>& results, double tolerance, const std::string& out) {
  return {{"cells", results.size()}, {"out", out.empty() ? json(nullptr) : json(out)}, {"tolerance", tolerance},
          {"thresholds", thresholds(results, tolerance)}};
}

}  // namespace

void register_breakdown(CLI::App& app, Registry& r) {
  struct Choices {
    SweepOptions sweep;
    std::string ns = "4,16,64", scalars = "float,double,long-double,float128,mpfr:128", softmax = "stable,naive", variant = "paper";
    std::string out, shard;
    long long jobs = static_cast<long long>(std::max(1u, std::thread::hardware_concurrency()));
    bool resume = false, force = false, json = false;
  };
  auto c = std::make_shared<Choices>();
  auto* cmd = app.add_subcommand("breakdown", "sweep lambda, n and scalar types; find where the construction breaks down and why");
  cmd->add_option("--lambda-min", c->sweep.lambda_min, "smallest lambda (default 1e-5)");
  cmd->add_option("--lambda-max", c->sweep.lambda_max, "largest lambda (default 1)");
  cmd->add_option("--points", c->sweep.points, "lambda values, log-spaced (default 30)");
  cmd->add_option("--n", c->ns, "comma list of n (default 4,16,64)");
  cmd->add_option("--scalars", c->scalars, "comma list of scalar types (default float,double,long-double,float128,mpfr:128)");
  cmd->add_option("--softmax", c->softmax, "comma list of softmax modes (default stable,naive)");
  cmd->add_option("--layers", c->sweep.layers, "depth L (default 100)");
  cmd->add_option("--variant", c->variant, "construction: paper, notebook, corrected or relu-reset (default paper)");
  cmd->add_option("--generator", c->sweep.generator, "instances: paper (permutations of i/n) or uniform (default paper)");
  cmd->add_option("--seeds", c->sweep.seeds, "instances per (lambda, n): seeds 1..K (default 1)");
  cmd->add_option("--gamma-ratio", c->sweep.gamma_ratio, "gamma = ratio x lambda (default 2, the paper's 0.01 / 0.005)");
  cmd->add_option("--tolerance", c->sweep.tolerance,
                  "breakdown when the head-1 pattern is farther than this from P_lambda* in the Hilbert metric, in nats (default 1e-2)");
  cmd->add_option("--bisect", c->sweep.bisect_steps, "bisection rounds refining each lambda* (default 3)");
  cmd->add_option("--jobs", c->jobs, "worker processes (default: all cores)");
  cmd->add_option("--out", c->out, "append results as JSON lines to this file as cells finish");
  cmd->add_flag("--resume", c->resume, "continue --out: skip the cells it already holds");
  cmd->add_flag("--force", c->force, "overwrite an existing --out");
  cmd->add_option("--shard", c->shard, "run slice i/N of the (lambda, n, seed) groups (0 <= i < N); no bisection; join with otverify merge");
  cmd->add_flag("--json", c->json, "print one JSON object (thresholds) instead of the table");
  cmd->footer("Example: otverify breakdown --n 4,16 --scalars float,double --points 12 --layers 50 --out sweep.jsonl\n"
              "Causes: exp-overflow, row-underflow, non-finite, cancellation, accumulation, too-few-layers, reference-not-certified, other\n"
              "(docs/error-model.md). P_lambda* is certified in the Hilbert metric (mpfr Newton, mpfi bound, E8).");
  r.push_back({cmd, [c] {
    SweepOptions& o = c->sweep;
    o.set_lists(c->ns, c->scalars, c->softmax);
    o.variant = parse_variant(c->variant);
    o.validate();
    if (c->jobs < 1 || c->jobs > 256) throw InputError("--jobs must be in [1, 256]");
    require_sweep_memory(o, c->jobs);
    if (c->resume && c->out.empty()) throw InputError("--resume needs --out");
    if (c->resume && c->force) throw InputError("--resume and --force exclude each other");
    const Shard shard = c->shard.empty() ? Shard{} : parse_shard(c->shard);
    install_interrupt_handlers();
    ResultSink sink(c->out, c->force, c->resume);

    std::vector<Group> grid;
    const auto all = grid_groups(o);
    for (std::size_t k = 0; k < all.size(); ++k)
      if (static_cast<long long>(k) % shard.count == shard.index) grid.push_back(all[k]);
    grid = pending(o, grid, sink);
    bool complete = true;
    {
      Progress progress("breakdown grid", cells_in(grid));
      complete = run_pool(o, grid, c->jobs, sink, progress);
    }
    for (long long round = 0; complete && c->shard.empty() && round < o.bisect_steps; ++round) {
      const auto groups = bisection_groups(o, sink.results());
      if (groups.empty()) break;
      Progress progress(fmt::format("bisection {}/{}", round + 1, o.bisect_steps), cells_in(groups));
      complete = run_pool(o, groups, c->jobs, sink, progress);
    }
    if (!complete) {
      std::cerr << "otverify: interrupted; " << sink.results().size() << " cells are in " << (c->out.empty() ? "no file (no --out)" : c->out)
                << (c->out.empty() ? "" : "; rerun with --resume to continue") << "\n";
      return kExitInterrupted;
    }
    emit(summary(sink.results(), o.tolerance, c->out), c->json, [](const json& j) { print_threshold_table(j["thresholds"]); });
    return kExitOk;
  }});
}

void register_merge(CLI::App& app, Registry& r) {
  struct Choices {
    std::vector<std::string> inputs;
    std::string out;
    double tolerance = SweepOptions{}.tolerance;
    bool force = false, json = false;
  };
  auto c = std::make_shared<Choices>();
  auto* cmd = app.add_subcommand("merge", "join breakdown result files (e.g. from --shard runs) and print their thresholds");
  cmd->add_option("inputs", c->inputs, "result files (JSON lines)")->required();
  cmd->add_option("--out", c->out, "write the joined results here");
  cmd->add_option("--tolerance", c->tolerance, "breakdown tolerance in nats (default 1e-2)");
  cmd->add_flag("--force", c->force, "overwrite an existing --out");
  cmd->add_flag("--json", c->json, "print one JSON object instead of the table");
  cmd->footer("Example: otverify merge part0.jsonl part1.jsonl --out sweep.jsonl");
  r.push_back({cmd, [c] {
    if (!std::isfinite(c->tolerance) || !(c->tolerance > 0)) throw InputError("--tolerance must be positive and finite");
    if (!c->out.empty()) require_writable(c->out, c->force);
    std::vector<json> merged;
    std::set<std::string> keys;
    long long duplicates = 0;
    for (const auto& path : c->inputs)
      for (auto& cell : read_results(path)) {
        if (keys.insert(cell["key"].get<std::string>()).second) merged.push_back(std::move(cell));
        else ++duplicates;
      }
    if (duplicates > 0) std::cerr << "otverify: " << duplicates << " duplicate cells (same key) kept once\n";
    if (!c->out.empty()) {
      std::string text;
      for (const auto& cell : merged) text += cell.dump() + "\n";
      write_file_atomically(c->out, text, c->force);
    }
    emit(summary(merged, c->tolerance, c->out), c->json, [](const json& j) { print_threshold_table(j["thresholds"]); });
    return kExitOk;
  }});
}

}  // namespace otv::cli
