// otverify breakdown and otverify merge: the lambda sweep on the task farm (worker
// processes on every MPI rank), results appended by rank 0 as JSON lines as each cell
// finishes, --resume, --shard, bisection of lambda*, and the threshold table.
#include <fmt/format.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "cli/app_support.hpp"
#include "cli/breakdown_sweep.hpp"
#include "cli/input_file.hpp"
#include "cli/interrupt.hpp"
#include "cli/mpi_world.hpp"
#include "cli/output_file.hpp"
#include "cli/progress.hpp"
#include "cli/result_file.hpp"
#include "otv/scalar_registry.hpp"
#include "cli/task_farm.hpp"
#include "study/safe_lambda.hpp"

namespace otv::cli {

using namespace otv::study;  // the breakdown study this command runs

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
    throw InputError("malformed --shard " + excerpt(s) + " (expected i/N with 0 <= i < N)");
  }
  if (sh.count < 1 || sh.index < 0 || sh.index >= sh.count) throw InputError("--shard " + s + " needs 0 <= i < N");
  return sh;
}

// Appends result lines to the --out file (flushed per line) and keeps them. The
// file is locked (flock, exclusive) for the whole sweep: a second otverify on
// the same --out, even with --resume or --force, is refused before it touches it.
class ResultSink {
 public:
  ResultSink(const std::string& path, bool force, bool resume) : path_(path) {
    if (path_.empty()) return;
    std::error_code ec;
    const bool exists = std::filesystem::exists(std::filesystem::symlink_status(path_, ec));
    if (resume && !exists)
      throw InputError(excerpt(path_) + " does not exist; --resume continues an existing --out (drop --resume to start the sweep)");
    if (!resume && !force && exists) throw InputError(excerpt(path_) + " exists; pass --resume to continue it or --force to overwrite it");
    require_writable(path_, true);
    lock_fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) throw InputError("cannot open " + excerpt(path_) + ": " + std::strerror(errno));
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(lock_fd_);
      throw InputError(excerpt(path_) + " is locked by another otverify process; wait for it or choose another --out");
    }
    std::string kept;
    if (resume) {
      kept = read_input_file(path_, "result file", kMaxJsonBytes);
      // Only the last line may be incomplete (a run killed while writing); it is dropped.
      if (!kept.empty() && kept.back() != '\n') {
        std::cerr << "otverify: warning: dropping the incomplete last line of " << path_ << "\n";
        const auto last = kept.find_last_of('\n');
        kept = last == std::string::npos ? std::string() : kept.substr(0, last + 1);
      }
      std::istringstream text(kept);
      results_ = parse_results(text, path_);
      for (const auto& r : results_) keys_.insert(r["key"].get<std::string>());
    }
    // In place, under the lock (a rename would put an unlocked file at the path).
    if (::ftruncate(lock_fd_, static_cast<off_t>(kept.size())) != 0) throw InputError("cannot truncate " + excerpt(path_) + ": " + std::strerror(errno));
    out_.open(path_, std::ios::app);
    if (!out_) throw InputError("cannot append to " + path_);
  }
  ~ResultSink() {
    if (lock_fd_ >= 0) ::close(lock_fd_);
  }
  ResultSink(const ResultSink&) = delete;
  ResultSink& operator=(const ResultSink&) = delete;
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
  std::string path_;
  int lock_fd_ = -1;
  std::ofstream out_;
  std::vector<json> results_;
  std::set<std::string> keys_;
};

TaskRunner group_runner(const SweepOptions& o) {
  return [&o](const std::string& payload, const std::function<void(const std::string&)>& emit) {
    run_group(o, group_from_text(payload), [&](const json& cell) { emit(cell.dump()); });
  };
}

long long cells_in(const std::vector<Group>& groups) {
  long long k = 0;
  for (const auto& g : groups) k += static_cast<long long>(g.cells.size());
  return k;
}

// Runs the groups on the task farm (child processes on every rank), each finished cell
// into the sink, with a progress bar; returns the finished lines, or nullopt if interrupted.
std::optional<std::vector<json>> run_groups(const SweepOptions& o, const std::vector<Group>& groups, long long jobs, ResultSink& sink, const std::string& what) {
  Progress progress(what, cells_in(groups));
  std::vector<Task> tasks;
  for (const auto& g : groups) tasks.push_back({group_to_text(g), estimated_cost(o, g)});
  std::vector<json> lines;
  const bool complete = run_tasks(tasks, jobs, group_runner(o), [&](const std::string& line) {
    lines.push_back(json::parse(line));
    sink.add(lines.back());
    progress.advance();
  });
  return complete ? std::optional(std::move(lines)) : std::nullopt;
}

// The summary, printed as JSON (with "out", the result file or null) or as the tables.
void emit_summary(const std::vector<json>& results, const SweepOptions& o, const std::string& out, bool as_json) {
  const BreakdownSummary s = breakdown_summary(results, o);
  json j = to_json(s);
  j["out"] = out.empty() ? json(nullptr) : json(out);
  emit(j, as_json, [&](const json&) {
    if (s.search) print_search_summary(*s.search);
    if (s.depth) print_depth_summary(*s.depth);
    if (!s.thresholds.empty() || !s.search) print_threshold_table(s.thresholds);
  });
}

}  // namespace

void register_breakdown(CLI::App& app, Registry& r) {
  struct Choices {
    SweepOptions sweep;
    std::string ns, scalars, softmax = "stable,naive", variant = "paper", holdout = "cpp_bin_float_50";
    std::string out, shard;
    long long jobs = default_jobs();
    bool resume = false, force = false, json = false, no_depth = false;
  };
  auto c = std::make_shared<Choices>();
  auto* cmd = app.add_subcommand("breakdown", "search each scalar type's numeric threshold lambda* and fit its law; or, given a lambda range, map where and why the construction breaks down");
  auto* lambda_min = cmd->add_option("--lambda-min", c->sweep.lambda_min, "grid map: smallest lambda (default 1e-5)")->type_name("NUMBER");
  auto* lambda_max = cmd->add_option("--lambda-max", c->sweep.lambda_max, "grid map: largest lambda (default 1); search: the first probe (default 0.9)")->type_name("NUMBER");
  auto* points = add_integer(cmd, "--points", c->sweep.points, "grid map: lambda values, log-spaced (default 30)");
  cmd->add_option("--holdout", c->holdout, "search: comma list of types searched but left out of the law's fit, predicted from it (default cpp_bin_float_50; 'none')")->type_name("LIST");
  cmd->add_option("--depth-min", c->sweep.depth_min, "search: depth needed from --lambda-max down to this lambda by half decades (default 1e-5)")->type_name("NUMBER");
  add_integer(cmd, "--depth-cap", c->sweep.depth_cap_n4, "search: depth-needed cap at n = 4, scaled by 16 / n^2 (default 1000000)");
  cmd->add_flag("--no-depth", c->no_depth, "search: skip the depth needed");
  cmd->add_option("--resolution", c->sweep.resolution, "search: stop bisecting when the bracket's ratio is at most this (default 1.05)")->type_name("NUMBER");
  cmd->add_option("--n", c->ns, "comma list of n (default: search 4,16; grid map 4,16,64)")->type_name("LIST");
  cmd->add_option("--scalars", c->scalars, "comma list of scalar types (default: search float,double,long-double,float128,mpfr:128,mpfr:256; grid map without mpfr:256)")->type_name("LIST");
  add_refused_option(cmd, "--scalar", "breakdown sweeps a list of types: use --scalars (e.g. --scalars float or --scalars float,double)");
  cmd->add_option("--softmax", c->softmax, "comma list of softmax modes (default stable,naive)")->type_name("LIST");
  add_integer(cmd, "--layers", c->sweep.layers, "depth L (default 100)");
  cmd->add_option("--variant", c->variant, "construction: paper, notebook, corrected or relu-reset (default paper)")->type_name("NAME");
  cmd->add_option("--generator", c->sweep.generator, "instances: paper (permutations of i/n) or uniform (default paper)")->type_name("NAME");
  add_integer(cmd, "--instances", c->sweep.seeds, "instances per (lambda, n): seeds 1..K (default 1)", 1LL, 1000LL);
  add_refused_option(cmd, "--seeds", "breakdown's count of instances per (lambda, n) is --instances K (seeds 1..K); --seeds is a list elsewhere");
  cmd->add_option("--gamma-ratio", c->sweep.gamma_ratio, "gamma = ratio x lambda (default 2, the paper's 0.01 / 0.005)")->type_name("NUMBER");
  cmd->add_option("--tolerance", c->sweep.tolerance,
                  "breakdown when the head-1 pattern is farther than this from P_lambda* in the Hilbert metric, in nats (default 1e-2)")->type_name("NUMBER");
  add_integer(cmd, "--bisect", c->sweep.bisect_steps, "bisection rounds refining each lambda* (default 3)");
  add_integer(cmd, "--jobs", c->jobs, "worker processes per rank (default: the node's cores / its MPI ranks)");
  cmd->add_option("--out", c->out, "append results as JSON lines to this file as cells finish")->type_name("FILE");
  cmd->add_flag("--resume", c->resume, "continue --out: skip the cells it already holds");
  cmd->add_flag("--force", c->force, "overwrite an existing --out");
  cmd->add_option("--shard", c->shard, "run slice i/N of the (lambda, n, seed) groups (0 <= i < N); no bisection; join with otverify merge")->type_name("I/N");
  cmd->add_flag("--json", c->json, "print one JSON object (thresholds) instead of the table");
  add_exp_option(cmd);
  cmd->footer("Without --lambda-min or --points: the numeric threshold search (galloping down by decades from --lambda-max, then\n"
              "bisection in log lambda; against exact arithmetic only) and the fit log10 lambda* = a + b log10 u (docs/error-model.md E7).\n"
              "Example: otverify breakdown --n 4 --scalars float,double,mpfr:128 --holdout mpfr:96 --out search.jsonl\n"
              "Example: otverify breakdown --n 4,16 --scalars float,double --points 12 --layers 50 --out sweep.jsonl\n"
              "Causes: exp-overflow, row-underflow, non-finite, cancellation, accumulation, too-few-layers, reference-not-certified, other\n"
              "(docs/error-model.md). P_lambda* is certified in the Hilbert metric (mpfr Newton, mpfi bound, E8).");
  r.push_back({cmd, [c, lambda_min, lambda_max, points] {
    SweepOptions& o = c->sweep;
    // Every rank checks the same options; rank 0 alone opens --out. One rank's bad input
    // stops them all, and rank 0 prints it.
    std::optional<ResultSink> sink;
    Shard shard;
    std::string problem;
    try {
      // A lambda range asks for the grid map; without one, lambda* is searched.
      o.search = lambda_min->count() == 0 && points->count() == 0;
      if (o.search && lambda_max->count() == 0) o.lambda_max = kSearchStart;
      const char* default_scalars = o.search ? "float,double,long-double,float128,mpfr:128,mpfr:256" : "float,double,long-double,float128,mpfr:128";
      // The search omits n = 64 by default (its mpfr:256 curve alone costs about 8 min on 2 cores).
      const char* default_ns = o.search ? "4,16" : "4,16,64";
      set_sweep_lists(o, c->ns.empty() ? default_ns : c->ns, c->scalars.empty() ? default_scalars : c->scalars, c->softmax);
      o.holdout.clear();
      if (o.search && c->holdout != "none")
        for (const auto& h : split(c->holdout, ',')) o.holdout.push_back(trim(h)), parse_scalar(trim(h));
      o.depth = !c->no_depth;
      o.validate_search();
      o.variant = parse_variant(c->variant);
      o.validate();
      if (c->jobs < 1 || c->jobs > 256) throw InputError("--jobs must be in [1, 256]");
      require_sweep_memory(o, c->jobs * mpi::local_size());
      if (c->resume && c->out.empty()) throw InputError("--resume needs --out");
      if (c->resume && c->force) throw InputError("--resume and --force exclude each other");
      if (!c->shard.empty()) shard = parse_shard(c->shard);
      install_interrupt_handlers();
      if (mpi::rank() == 0) sink.emplace(c->out, c->force, c->resume);
    } catch (const InputError& e) {
      problem = e.what();
    }
    if (!mpi::all_ok(problem.empty(), &problem)) {
      if (mpi::rank() == 0) throw InputError(problem);
      return kExitBadInput;
    }
    if (mpi::rank() != 0) {
      serve_tasks(c->jobs, group_runner(o));
      return interrupted() ? kExitInterrupted : kExitOk;
    }
    const FarmSession session;

    std::vector<json> results = sink->results();
    const bool complete = run_sweep(o, {shard.index, shard.count, c->shard.empty()}, results,
                                    [&](const SweepOptions& so, const std::vector<Group>& groups, const std::string& what) {
                                      return run_groups(so, groups, c->jobs, *sink, what);
                                    });
    if (!complete) {
      std::cerr << "otverify: interrupted" << (mpi::size() > 1 ? " (SIGINT/SIGTERM, or mpirun ended the job: a rank died)" : "") << "; "
                << sink->results().size() << " cells are in " << (c->out.empty() ? "no file (no --out)" : c->out)
                << (c->out.empty() ? "" : "; rerun with --resume to continue") << "\n";
      return kExitInterrupted;
    }
    emit_summary(sink->results(), o, c->out, c->json);
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
  cmd->add_option("inputs", c->inputs, "result files (JSON lines)")->required()->type_name("FILE");
  cmd->add_option("--out", c->out, "write the joined results here")->type_name("FILE");
  cmd->add_option("--tolerance", c->tolerance, "breakdown tolerance in nats (default 1e-2)")->type_name("NUMBER");
  cmd->add_flag("--force", c->force, "overwrite an existing --out");
  cmd->add_flag("--json", c->json, "print one JSON object instead of the table");
  cmd->footer("Example: otverify merge part0.jsonl part1.jsonl --out sweep.jsonl");
  r.push_back({cmd, [c] {
    if (!std::isfinite(c->tolerance) || !(c->tolerance > 0)) throw InputError("--tolerance must be positive and finite");
    if (!c->out.empty()) require_writable(c->out, c->force);
    std::vector<json> merged;
    std::set<std::string> keys;
    long long duplicates = 0;
    // One sweep's settings only: the threshold table does not show them, so rows
    // of two depths or variants would be indistinguishable.
    auto settings_of = [](const json& cell) {
      return fmt::format("variant {}, {} layers, generator {}, gamma ratio {:g}", cell["variant"].get<std::string>(), cell["layers"].get<long long>(),
                         cell["generator"].get<std::string>(), cell["gamma_ratio"].get<double>());
    };
    std::string first_settings, first_path;
    for (const auto& path : c->inputs)
      for (auto& cell : read_results(path)) {
        // Depth lines (the search's E9) carry their cap as "layers": not a sweep setting.
        // Lines written before the search carry no kind (grid cells).
        const bool depth = cell.value("kind", std::string("grid")) == "depth";
        const std::string settings = depth ? first_settings : settings_of(cell);
        if (first_path.empty() && !depth) first_settings = settings, first_path = path;
        if (!first_path.empty() && settings != first_settings)
          throw InputError(fmt::format("{} holds cells of other settings ({}) than {} ({}); merge results of one sweep", excerpt(path), settings,
                                       excerpt(first_path), first_settings));
        if (keys.insert(cell["key"].get<std::string>()).second) merged.push_back(std::move(cell));
        else ++duplicates;
      }
    if (duplicates > 0) std::cerr << "otverify: " << duplicates << " duplicate cells (same key) kept once\n";
    if (!c->out.empty()) {
      std::string text;
      for (const auto& cell : merged) text += cell.dump() + "\n";
      write_file_atomically(c->out, text, c->force);
    }
    SweepOptions settings;
    settings.tolerance = c->tolerance;
    if (const auto searched = search_options_of(merged, c->tolerance)) settings = *searched;
    emit_summary(merged, settings, c->out, c->json);
    return kExitOk;
  }});
}


void register_advise(CLI::App& app, Registry& r) {
  struct Choices {
    long long n = 0, d = 1, layers = 100, jobs = default_jobs();
    std::string scalar;
    double tolerance = SweepOptions{}.tolerance;
    bool json = false;
  };
  auto c = std::make_shared<Choices>();
  auto* cmd = app.add_subcommand("advise", "the smallest lambda a scalar type handles at n within a tolerance, and the depth it then needs");
  add_integer(cmd, "--n", c->n, "number of points (paper instance for d = 1, uniform for d > 1)")->required();
  cmd->add_option("--scalar", c->scalar, "scalar type: " + scalar_names_text(false))->required()->type_name("TYPE");
  cmd->add_option("--tol", c->tolerance, "tolerance on the head-1 scores' Hilbert distance, in nats (default 1e-2)")->type_name("NUMBER");
  add_integer(cmd, "--d", c->d, "dimension of the points (default 1)");
  add_integer(cmd, "--layers", c->layers, "depth of the confirming runs (default 100)");
  add_integer(cmd, "--jobs", c->jobs, "worker processes (default: the node's cores)");
  cmd->add_flag("--json", c->json, "print one JSON object instead of text");
  cmd->footer("Example: otverify advise --n 16 --scalar float\n"
              "The law lambda* = c u S / tol (docs/error-model.md E7) with c measured on double at this n (a threshold search),\n"
              "times 2; confirmed by one run of the type at the advised lambda (must pass) and one at a tenth (must fail); depth from E9.");
  r.push_back({cmd, [c] {
    const AdviseSpec spec{c->n, c->d, c->scalar, c->tolerance, c->layers};
    const SweepOptions o = advise_options(spec);
    if (c->jobs < 1 || c->jobs > 256) throw InputError("--jobs must be in [1, 256]");
    require_sweep_memory(o, c->jobs);
    install_interrupt_handlers();
    const FarmSession session;
    const std::optional<json> advice = advise(spec, [&](const SweepOptions& so, const std::vector<Group>& groups, const std::string& what) {
      ResultSink sink("", false, false);
      return run_groups(so, groups, c->jobs, sink, what);
    });
    if (!advice) return kExitInterrupted;
    const json& out = *advice;
    emit(out, c->json, [](const json& j) {
      fmt::print("smallest safe lambda for {} at n = {}: {:.3g} (law: threshold {:.3g} = c u S / tol, c = {:.2f} from double, x 2)\n",
                 j["scalar"].get<std::string>(), j["n"].get<long long>(), j["advised_lambda"].get<double>(), j["predicted_threshold"].get<double>(),
                 j["c"].get<double>());
      fmt::print("depth needed at lambda = {:.3g} (exact arithmetic, certified P_lambda*): {}{}\n", j["depth_lambda"].get<double>(),
                 j["layers_needed"].is_null() ? fmt::format("more than {} layers", j["depth_cap"].get<long long>())
                                              : fmt::format("{} layers", j["layers_needed"].get<long long>()),
                 j["depth_lambda"] > j["advised_lambda"] ? " (the advised lambda is below what P_lambda* certifies cheaply; depth falls with lambda, E9)" : "");
      fmt::print("{}\n", j["reason"].get<std::string>());
    });
    return out.at("confirmed").get<bool>() ? kExitOk : kExitClaimFailed;
  }});
}
}  // namespace otv::cli
