#pragma once
// The breakdown study behind otverify breakdown, merge and advise: the sweep over
// (lambda, n, scalar, softmax, seed) as groups of cells, each cell's metrics against
// the precision-ladder reference (study/breakdown_reference.hpp) and the certified
// P_lambda*, the thresholds lambda* with their causes (study/breakdown_causes.hpp),
// the numeric threshold search with its law (E7), and the depth needed (E9)
// (docs/error-model.md). Result lines are JSON objects (study/breakdown_results.hpp);
// their summary is typed (study/breakdown_summary.hpp).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "otv/construction_variant.hpp"
#include "otv/instance_text.hpp"
#include "otv/softmax_mode.hpp"
#include "study/breakdown_summary.hpp"

namespace otv::study {

inline constexpr long long kMaxSweepN = 4096;

// The search's first probe unless --lambda-max says otherwise: off the powers of ten, where
// 1/lambda is an integer, exact in binary, and with the paper's dyadic data (i/n, n a power
// of 2) the scores round atypically little -- a probe at 1e-6 passes where 9.65e-7 and 7e-6
// fail (float, n = 16).
inline constexpr double kSearchStart = 0.9;

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

  // Checks the ranges (every lambda and gamma normal in every type); throws InputError
  // with the CLI's one-line messages.
  void validate() const;
  // The search's own ranges (resolution, depth_min, depth_cap_n4) and holdout types, checked before validate().
  void validate_search() const;
};

// Refuses an interval type (ScalarKindInfo::interval) where a study needs one value per
// number: a threshold, the Hilbert distance between a head-1 pattern and its reference.
// InputError "`option` mpfi: interval types have no `what`; use mpfr:BITS"; unknown
// names throw as parse_scalar does.
void require_point_scalar(const std::string& name, const std::string& option, const std::string& what);

// Softmax modes by name ("stable", "naive"); InputError for another name.
std::vector<Softmax> parse_softmax_modes(const std::vector<std::string>& names);

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
  std::string kind;  // grid | bisect | search | depth
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

// Runs one group: the certified P_lambda* (grid, bisection and depth groups;
// study/entropic_reference.hpp), the reference ladder, then each cell; emit() gets one
// result line per finished cell. Boost's precision is process-wide: groups run one at
// a time per process.
void run_group(const SweepOptions& o, const Group& g, const std::function<void(const nlohmann::json&)>& emit);

// Runs groups (on a task farm, or here) and returns their result lines, or nullopt
// when interrupted; `what` names the stage for progress ("search round 2", ...).
using GroupRunner = std::function<std::optional<std::vector<nlohmann::json>>(const SweepOptions&, const std::vector<Group>&, const std::string& what)>;

// run_group on each group in this process, one after another; after_cell (may be empty)
// is called after each finished cell and may throw to stop (Ctrl-C in Python).
std::vector<nlohmann::json> run_groups_here(const SweepOptions& o, const std::vector<Group>& groups,
                                            const std::function<void(const nlohmann::json&)>& after_cell);

// The part of a sweep one process runs: curves (search) and grid groups k with
// k mod count = index; bisection only for the whole sweep.
struct SweepShard {
  long long index = 0, count = 1;
  bool whole = true;
};

// The sweep's rounds. A search: rounds of search_groups until every curve's search
// ends (next_probe), then, with o.depth, the depth-needed groups. A grid map: the grid
// groups whose cells `results` lacks (by key), then up to o.bisect_steps rounds of
// bisection_groups (whole sweeps only).
//
// Parameters
//   o       : SweepOptions -- validated.
//   shard   : SweepShard -- this process's part.
//   results : the lines so far (a resumed file); each finished line is appended.
//   run     : GroupRunner -- a task farm, or run_groups_here.
// Returns
//   false when a run was interrupted (results then hold what finished).
// Example
//   std::vector<json> lines;
//   run_sweep(o, {}, lines, [&](auto& so, auto& groups, auto&) { return std::optional(run_groups_here(so, groups, nullptr, {})); });
//   breakdown_summary(lines, o).search->curves;
bool run_sweep(const SweepOptions& o, const SweepShard& shard, std::vector<nlohmann::json>& results, const GroupRunner& run);

// The summary of a sweep's result lines (study/breakdown_summary.hpp): the grid map's
// thresholds and, for a search, search_summary and depth_summary.
//
// Parameters
//   results : result lines (a sweep's, or a file's read by parse_results).
//   o       : SweepOptions -- the tolerance; for a search, its curves (search_options_of).
// Returns
//   BreakdownSummary -- cells = results.size(); to_json is `otverify breakdown --json`.
// Example
//   const BreakdownSummary s = breakdown_summary(lines, o);
//   s.thresholds[0].lambda_star;  // nullopt: no breakdown on the curve
BreakdownSummary breakdown_summary(const std::vector<nlohmann::json>& results, const SweepOptions& o);

// Bisection round: for each curve (n, scalar, softmax, seed) whose first failure
// (scanning lambda downwards) is bracketed, a group at the bracket's geometric
// midpoint, unless results already hold it.
std::vector<Group> bisection_groups(const SweepOptions& o, const std::vector<nlohmann::json>& results);

// Per curve of the grid map (CurveThreshold: cells sharing n, scalar, softmax, seed,
// variant, layers, generator and gamma ratio; search probes and depth lines left out),
// in curve_key order: lambda* = the first lambda, scanning down, whose cell fails
// (cell_fails), its bracket, cause (cell_cause) and evidence, the numeric-only
// threshold (numeric_fails) and the underflow flag's onset, under a tolerance.
// Example
//   thresholds(lines, 1e-2)[0].cause;  // "cancellation", or nullopt without a lambda*
std::vector<CurveThreshold> thresholds(const std::vector<nlohmann::json>& results, double tolerance);

// The numeric search: the next probe of every curve (n, scalar incl. holdout, softmax, seed)
// in shard `index` of `count` whose search is not finished, grouped by (lambda, n, seed);
// the first call (no results) probes the start.
std::vector<Group> search_groups(const SweepOptions& o, const std::vector<nlohmann::json>& results, long long index, long long count);

// Per search curve (SearchThreshold, by n descending, then precision): lambda*_numeric,
// its bracket and cause, c = lambda* tol / (u S) against E7's u S / tol, what begins
// below it; per (n, softmax) (ThresholdLawFit): the law log10 lambda* = a + b log10 u
// fitted on the bracketed curves not held out, within E7's bounds or not, and each
// held-out type's prediction.
SearchSummary search_summary(const std::vector<nlohmann::json>& results, const SweepOptions& o);

// Depth needed: the cap at n, the groups whose lines results lack, and per n the
// points with the fit of log10 L_needed on log10(1/lambda).
long long depth_cap(const SweepOptions& o, long long n);
std::vector<Group> depth_groups(const SweepOptions& o, const std::vector<nlohmann::json>& results, long long index, long long count);
std::vector<DepthCurve> depth_summary(const std::vector<nlohmann::json>& results);

// The search's settings recovered from its cells (otverify merge), or nullopt if none are search cells.
std::optional<SweepOptions> search_options_of(const std::vector<nlohmann::json>& results, double tolerance);

// The smallest lambda the search probes in a type: lambda and gamma normal in it and in double.
double search_floor(const std::string& scalar, double gamma_ratio);

}  // namespace otv::study
