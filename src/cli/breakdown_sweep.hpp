#pragma once
// otverify breakdown: the sweep over (lambda, n, scalar, softmax, seed), its
// cells' metrics against a precision-ladder reference and P_lambda*, and the
// breakdown thresholds lambda* with their causes (docs/error-model.md).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/result_file.hpp"
#include "otv/construction.hpp"
#include "otv/transformer.hpp"

namespace otv::cli {

struct SweepOptions {
  double lambda_min = 1e-5, lambda_max = 1;
  long long points = 30;
  std::vector<long long> ns{4, 16, 64};
  std::vector<std::string> scalars{"float", "double", "long-double", "float128", "mpfr:128"};
  std::vector<Softmax> softmax{Softmax::stable, Softmax::naive};
  long long layers = 100;
  Variant variant = Variant::paper;
  std::string generator = "paper";  // paper (d = 1) | uniform
  long long dimension = 1;          // of the uniform generator's points
  long long seeds = 1;
  double gamma_ratio = 2;   // gamma = gamma_ratio * lambda (Sec. 6: 0.01 / 0.005)
  double tolerance = 1e-2;  // on Hilbert distances of the head-1 pattern, in nats
  long long bisect_steps = 3;
  // The numeric threshold search (otv::study::next_probe): on unless a range
  // (--lambda-min, --lambda-max, --points) asks for the grid map; its cells skip
  // P_lambda* and compare with the exact-arithmetic reference alone.
  bool search = false;
  double resolution = 1.05;  // bracket ratio at which the bisection stops
  std::vector<std::string> holdout;  // searched, left out of the law's fit, predicted from it
  // Depth needed in exact arithmetic (search only): lambda from lambda_max down to depth_min
  // by half decades, capped at depth_cap_n4 x 16 / n^2 layers (1e6 at n = 4, 62500 at n = 16).
  bool depth = true;
  double depth_min = 1e-5;
  long long depth_cap_n4 = 1000000;

  // Parses and checks the comma lists and ranges; throws InputError.
  void set_lists(const std::string& ns_text, const std::string& scalars_text, const std::string& softmax_text);
  void validate() const;
};

// A group shares one instance and one reference: (lambda, n, seed) and the
// (scalar, softmax) cells computed against it.
struct CellId {
  std::string scalar;
  Softmax softmax;
};
struct Group {
  double lambda;
  long long n;
  std::uint64_t seed;
  std::string kind;  // grid | bisect
  std::vector<CellId> cells;
};

// Lambda values are rounded to 6 significant digits so that keys are stable.
double canonical_lambda(double lambda);

// The identity of a cell in a result file (everything that determines it).
std::string cell_key(const SweepOptions& o, double lambda, long long n, std::uint64_t seed, const CellId& c);

std::vector<Group> grid_groups(const SweepOptions& o);

// A group as one line of text and back (the task farm hands groups to other processes
// and ranks; lambda round-trips exactly).
std::string group_to_text(const Group& g);
Group group_from_text(const std::string& text);

// Relative cost of a group, for ordering work only: layers x n^2 x (the reference
// ladder + each cell), with per-type weights measured in the default sweep (seconds per
// cell per layer per n^2, double = 1).
double estimated_cost(const SweepOptions& o, const Group& g);

// Memory guard (InputError) for `jobs` workers, each at the sweep's largest n
// on the reference ladder's second rung, 2 (p_max + 32) bits, which every
// ladder runs. A ladder that needs further doublings needs more; the guard
// cannot know that beforehand.
void require_sweep_memory(const SweepOptions& o, long long jobs);

// Runs one group: P_lambda*, the reference ladder, then each cell; emit() gets
// one JSON object per finished cell. Meant to run in a child process (Boost's
// precision is process-wide).
void run_group(const SweepOptions& o, const Group& g, const std::function<void(const nlohmann::json&)>& emit);

// Bisection round: for each curve (n, scalar, softmax, seed) whose first failure
// (scanning lambda downwards) is bracketed, a group at the bracket's geometric
// midpoint, unless results already hold it.
std::vector<Group> bisection_groups(const SweepOptions& o, const std::vector<nlohmann::json>& results);

// Per curve (cells sharing n, scalar, softmax, seed, variant, layers, generator
// and gamma ratio): lambda*, its bracket, cause and evidence, and the
// numeric-only threshold, under a tolerance.
nlohmann::json thresholds(const std::vector<nlohmann::json>& results, double tolerance);

// The numeric search: the next probe of every curve (n, scalar incl. holdout, softmax, seed)
// in shard `index` of `count` whose search is not finished, grouped by (lambda, n, seed);
// the first call (no results) probes the start.
std::vector<Group> search_groups(const SweepOptions& o, const std::vector<nlohmann::json>& results, long long index, long long count);

// Per search curve: lambda*_numeric, its bracket and cause, the E7 prediction, what
// begins below it; per (n, softmax): the law's fit and the holdout's prediction.
nlohmann::json search_summary(const std::vector<nlohmann::json>& results, const SweepOptions& o);
void print_search_summary(const nlohmann::json& s);

// Depth needed: the cap at n, the groups whose lines results lack, and per n the
// points with the fit of log10 L_needed on log10(1/lambda).
long long depth_cap(const SweepOptions& o, long long n);
std::vector<Group> depth_groups(const SweepOptions& o, const std::vector<nlohmann::json>& results, long long index, long long count);
nlohmann::json depth_summary(const std::vector<nlohmann::json>& results);
void print_depth_summary(const nlohmann::json& d);

// The search's settings recovered from its cells (otverify merge), or nullopt if none are search cells.
std::optional<SweepOptions> search_options_of(const std::vector<nlohmann::json>& results, double tolerance);

// The smallest lambda the search probes in a type: lambda and gamma normal in it and in double.
double search_floor(const std::string& scalar, double gamma_ratio);

// A numeric failure (rounding alone beyond the tolerance, or non-finite) and its cause.
bool numeric_fails(const nlohmann::json& cell, double tolerance);
std::string numeric_cause(const nlohmann::json& cell);

// Failure and cause of one cell under a tolerance.
bool cell_fails(const nlohmann::json& cell, double tolerance);
std::string cell_cause(const nlohmann::json& cell, double tolerance);

void print_threshold_table(const nlohmann::json& t);

}  // namespace otv::cli
