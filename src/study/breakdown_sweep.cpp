#include "study/breakdown_sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "otv/block_exp.hpp"
#include "otv/exact_ot.hpp"
#include "otv/scalar_registry.hpp"
#include "study/breakdown_causes.hpp"
#include "study/breakdown_reference.hpp"
#include "study/breakdown_results.hpp"
#include "study/entropic_reference.hpp"
#include "study/forward_run.hpp"
#include "study/json_value.hpp"
#include "study/threshold_law.hpp"
#include "study/threshold_search.hpp"

namespace otv::study {

using nlohmann::json;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Non-finite metrics are spelled "nan", "inf", "-inf" (read back by metric()).
json number(double x) { return json_number(x); }

std::string decimal(double x) { return fmt::format("{:.17g}", x); }
std::string softmax_name(Softmax s) { return s == Softmax::stable ? "stable" : "naive"; }

InstanceText make_instance(const SweepOptions& o, long long n, std::uint64_t seed) {
  return o.generator == "paper" ? paper_instance(static_cast<std::size_t>(n), seed) : uniform_instance(static_cast<std::size_t>(n), static_cast<std::size_t>(o.dimension), seed);
}

// E7's bounds on c = lambda* tol / (u S): at most 4 (the layer-1 error is at most
// 4 u S / lambda: two roundings per term, two signs in the oscillation), at least 1/8
// (half the smallest layer-1 constant, 0.15, E7 measured in float over layers 1-30).
constexpr double kE7CLow = 1.0 / 8, kE7CHigh = 4;

// Certified accuracy asked of P_lambda*, nats: far below any tolerance on the
// distances (1e-2 by default), so the comparison's own error is negligible.
constexpr double kOptimalTarget = 1e-20;

// The certified P_lambda* (docs/error-model.md E8) of an instance at a decimal lambda:
// log P (n x n row-major decimals) at `bits`, and the summary result lines record.
struct OptimalPlan {
  std::vector<std::string> log_plan;
  unsigned bits = 0;
  json summary;
};

OptimalPlan certified_plan(const InstanceText& text, const std::string& lambda) {
  const EntropicReference r = entropic_reference(text, lambda, kOptimalTarget);
  return {r.log_plan, r.bits, reference_summary(r)};
}

unsigned bits_of(const std::string& scalar) {
  return with_scalar(parse_scalar(scalar), []<class Real>() { return ScalarTraits<Real>::bits(); });
}

// The grid map's cells (grid and bisection), not the search's probes or depth lines.
// Result lines written before the search existed carry no kind: they are all grid cells.
bool is_map_cell(const json& c) {
  const std::string kind = c.value("kind", std::string("grid"));
  return kind == "grid" || kind == "bisect";
}

// A curve's cells sorted by decreasing lambda.
std::map<std::string, std::vector<const json*>> curves_of(const std::vector<json>& results) {
  std::map<std::string, std::vector<const json*>> curves;
  for (const auto& c : results) curves[curve_key(c)].push_back(&c);
  for (auto& [k, cells] : curves)
    std::sort(cells.begin(), cells.end(), [](const json* a, const json* b) { return (*a)["lambda"].get<double>() > (*b)["lambda"].get<double>(); });
  return curves;
}

// Index of the first cell (in decreasing lambda) for which fails(cell), or -1.
template <class Pred> long long first_failure(const std::vector<const json*>& cells, Pred fails) {
  for (std::size_t k = 0; k < cells.size(); ++k)
    if (fails(*cells[k])) return static_cast<long long>(k);
  return -1;
}

}  // namespace

void require_point_scalar(const std::string& name, const std::string& option, const std::string& what) {
  const ScalarKindInfo& k = scalar_info(parse_scalar(name).kind);
  if (k.interval) throw InputError(fmt::format("{} {}: interval types have no {}; use mpfr:BITS", option, k.name.substr(0, k.name.find(':')), what));
}

void SweepOptions::validate() const {
  auto require = [](bool ok, const std::string& why) { if (!ok) throw InputError(why); };
  require(std::isfinite(lambda_min) && std::isfinite(lambda_max) && lambda_min > 0 && lambda_min <= lambda_max,
          "need 0 < --lambda-min <= --lambda-max, both finite");
  require(points >= 1 && points <= 1000, "--points must be in [1, 1000]");
  require(points > 1 || lambda_min == lambda_max, "--points 1 needs --lambda-min = --lambda-max");
  for (long long n : ns) require(n >= 1 && n <= kMaxSweepN, fmt::format("every --n must be in [1, {}], got {}", kMaxSweepN, n));
  require(layers >= 1 && layers <= 1000000, "--layers must be in [1, 1000000]");
  require(generator == "paper" || generator == "uniform", "--generator must be paper or uniform");
  require(seeds >= 1 && seeds <= 1000, "--instances must be in [1, 1000]");
  require(std::isfinite(gamma_ratio) && gamma_ratio > 0, "--gamma-ratio must be positive and finite");
  // Every cell's lambda and gamma = ratio x lambda must be normal numbers in every
  // swept type (the cells run in child processes; refuse here, before --out).
  // An enclosure has no single pattern: a cell's comparisons with the reference would be ambiguous.
  const char* no_pattern = "single head-1 pattern to compare with the reference";
  for (const auto& h : holdout) require_point_scalar(h, "--holdout", no_pattern);
  for (const auto& s : scalars) {
    require_point_scalar(s, "--scalars", no_pattern);
    const auto kind = parse_scalar(s).kind;
    const bool is_float = kind == ScalarSpec::Kind::float_;
    const double smallest = is_float ? std::numeric_limits<float>::min() : std::numeric_limits<double>::min();
    const double largest = is_float ? std::numeric_limits<float>::max() : std::numeric_limits<double>::max();
    for (const double v : {lambda_min, lambda_max, gamma_ratio * lambda_min, gamma_ratio * lambda_max})
      require(v >= smallest && v <= largest,
              fmt::format("lambda in [{:g}, {:g}] with gamma = {:g} x lambda is not representable in {} (normal range [{:g}, {:g}])", lambda_min,
                          lambda_max, gamma_ratio, s, smallest, largest));
  }
  require(std::isfinite(tolerance) && tolerance > 0, "--tolerance must be positive and finite");
  require(bisect_steps >= 0 && bisect_steps <= 20, "--bisect must be in [0, 20]");
  require(!ns.empty() && !scalars.empty() && !softmax.empty(), "empty --n, --scalars or --softmax");
}

std::vector<Softmax> parse_softmax_modes(const std::vector<std::string>& names) {
  std::vector<Softmax> modes;
  for (const auto& m : names) modes.push_back(parse_softmax(m));
  return modes;
}

void SweepOptions::validate_search() const {
  for (const auto& h : holdout) parse_scalar(h);
  if (!(resolution > 1 && resolution <= 10)) throw InputError("--resolution must be in (1, 10]");
  // The depth needed is the search's; a grid map ignores --depth-min (its lambda range is its own).
  if (search && !(depth_min > 0 && depth_min <= lambda_max)) throw InputError("need 0 < --depth-min <= --lambda-max");
  if (depth_cap_n4 < 1 || depth_cap_n4 > kMaxLayers) throw InputError(fmt::format("--depth-cap must be in [1, {}]", kMaxLayers));
}

double canonical_lambda(double lambda) { return std::strtod(fmt::format("{:.6g}", lambda).c_str(), nullptr); }

std::string cell_key(const SweepOptions& o, double lambda, long long n, std::uint64_t seed, const CellId& c) {
  return fmt::format("lambda={:.6g},n={},seed={},scalar={},softmax={},variant={},layers={},generator={},gamma_ratio={}{}", lambda, n, seed,
                     c.scalar, softmax_name(c.softmax), to_string(o.variant), o.layers, o.generator, o.gamma_ratio, o.search ? ",search" : "");
}

std::vector<Group> grid_groups(const SweepOptions& o) {
  std::vector<CellId> cells;
  for (const auto& s : o.scalars)
    for (Softmax m : o.softmax) cells.push_back({s, m});
  std::vector<Group> groups;
  // Largest n first: the heaviest groups start first and balance the pool.
  std::vector<long long> ns = o.ns;
  std::sort(ns.rbegin(), ns.rend());
  for (long long n : ns)
    for (long long k = 0; k < o.points; ++k) {
      const double t = o.points == 1 ? 0.0 : static_cast<double>(k) / static_cast<double>(o.points - 1);
      const double lambda = canonical_lambda(o.lambda_max * std::pow(o.lambda_min / o.lambda_max, t));
      for (long long s = 1; s <= o.seeds; ++s) groups.push_back({lambda, n, static_cast<std::uint64_t>(s), "grid", cells});
    }
  return groups;
}

std::string group_to_text(const Group& g) {
  json cells = json::array();
  for (const auto& c : g.cells) cells.push_back({c.scalar, softmax_name(c.softmax)});
  return json{{"lambda", g.lambda}, {"n", g.n}, {"seed", g.seed}, {"kind", g.kind}, {"cells", cells}}.dump();
}

Group group_from_text(const std::string& text) {
  const json j = json::parse(text);
  Group g{j.at("lambda").get<double>(), j.at("n").get<long long>(), j.at("seed").get<std::uint64_t>(), j.at("kind").get<std::string>(), {}};
  for (const auto& c : j.at("cells"))
    g.cells.push_back({c.at(0).get<std::string>(), c.at(1).get<std::string>() == "stable" ? Softmax::stable : Softmax::naive});
  return g;
}

double estimated_cost(const SweepOptions& o, const Group& g) {
  unsigned p_max = 0;
  double cells = 0;
  for (const auto& c : g.cells) {
    p_max = std::max(p_max, bits_of(c.scalar));
    cells += relative_cost(parse_scalar(c.scalar));
  }
  // The reference ladder runs at least two rungs: p_max + 32 bits and twice that.
  const double reference = relative_cost({ScalarSpec::Kind::mpfr, p_max + 32}) + relative_cost({ScalarSpec::Kind::mpfr, 2 * (p_max + 32)});
  return static_cast<double>(o.layers) * static_cast<double>(g.n * g.n) * (reference + cells);
}

namespace {

std::string depth_key(const SweepOptions& o, double lambda, long long n, std::uint64_t seed) {
  return fmt::format("depth,lambda={:.6g},n={},seed={},variant={},generator={},gamma_ratio={},tolerance={:g},cap={}", lambda, n, seed,
                     to_string(o.variant), o.generator, o.gamma_ratio, o.tolerance, depth_cap(o, n));
}

// Depth needed in exact arithmetic (E9): P_lambda* certified, then one mpfr forward pass
// stopped at the first layer within the tolerance. The pass runs at
// log2(S / (lambda tol)) + 64 bits (at least 128): its rounding, u S / lambda per
// layer, stays 2^-64 of the tolerance over any cap below 2^40 layers.
json depth_line(const SweepOptions& o, const Group& g, const InstanceText& text, CellSpec spec, double s_max) {
  const OptimalPlan optimal = certified_plan(text, spec.lambda);
  const long long cap = depth_cap(o, g.n);
  const unsigned bits = static_cast<unsigned>(std::max(128.0, std::ceil(std::log2(s_max / (g.lambda * o.tolerance))) + 64));
  const DepthOutput d = depth_needed({ScalarSpec::Kind::mpfr, bits}, {spec, optimal.log_plan, o.tolerance, cap});
  return {{"key", depth_key(o, g.lambda, g.n, g.seed)},
          {"kind", "depth"}, {"lambda", g.lambda}, {"n", g.n}, {"seed", g.seed}, {"generator", o.generator}, {"variant", to_string(o.variant)},
          {"gamma_ratio", o.gamma_ratio}, {"layers", cap}, {"scalar", fmt::format("mpfr:{}", bits)}, {"softmax", "stable"}, {"tolerance", o.tolerance},
          {"layers_needed", d.layers}, {"distance", number(d.distance)}, {"bits", d.bits}, {"squared_norm_max", s_max},
          {"optimal", optimal.summary}, {"seconds", d.seconds},
          {"theorem2_r", d.theorem2_r ? json(*d.theorem2_r) : json(nullptr)},
          {"theorem2_log10_min_layers", d.theorem2_log10_min_layers ? json(*d.theorem2_log10_min_layers) : json(nullptr)}};
}

}  // namespace

long long depth_cap(const SweepOptions& o, long long n) { return std::max<long long>(1, o.depth_cap_n4 * 16 / (n * n)); }

void run_group(const SweepOptions& o, const Group& g, const std::function<void(const json&)>& emit) {
  const InstanceText text = make_instance(o, g.n, g.seed);
  const Instance<double> inst = to_real<double>(text);
  const Matrix<double> C = cost_matrix<double>(inst);
  const double lambda = g.lambda;
  CellSpec spec{text, decimal(lambda), decimal(o.gamma_ratio * lambda), o.layers, o.variant, Softmax::stable};
  double s_max = 0;  // max_ij |x_i|^2 + |y_j|^2 (the expanded distance's terms)
  for (Eigen::Index i = 0; i < C.rows(); ++i)
    for (Eigen::Index j = 0; j < C.cols(); ++j) s_max = std::max(s_max, inst.x.row(i).squaredNorm() + inst.y.row(j).squaredNorm());
  if (g.kind == "depth") {
    emit(depth_line(o, g, text, spec, s_max));
    return;
  }

  // P_lambda* for the decimals the cells parse, certified in the Hilbert metric (E8).
  // The numeric search compares with exact arithmetic alone: far below the types'
  // thresholds P_lambda* needs log2(1/mu) ~ gap / (2 lambda ln 2) bits (E8), out of reach.
  const bool numeric_only = g.kind == "search";
  OptimalPlan optimal;
  if (!numeric_only) optimal = certified_plan(text, spec.lambda);
  const Matrix<double> sorted = transported_x<double>(inst, exact_ot<double>(inst));
  std::vector<double> sorted_x(sorted.data(), sorted.data() + sorted.rows());
  const double c_max = C.maxCoeff();

  unsigned p_max = 0;
  for (const auto& c : g.cells) p_max = std::max(p_max, bits_of(c.scalar));
  const Ladder<CellOutput> ladder = breakdown_reference(spec, p_max);  // softmax mode is immaterial in exact arithmetic
  const CellOutput& ref = ladder.top().result;
  const unsigned distance_bits = std::max(optimal.bits, ref.bits);
  const double ref_distance = numeric_only ? kInf : distance_to(ref.final_scores, optimal.log_plan, distance_bits);
  const double ref_readout = readout_error(ref, sorted_x);
  const json reference = {{"bits", ref.bits}, {"settled", ladder.settled}, {"ladder", reference_ladder_json(ladder)}};

  for (const auto& c : g.cells) {
    spec.softmax = c.softmax;
    const CellOutput out = breakdown_cell(parse_scalar(c.scalar), spec);
    const Difference d = difference(out, ref, ref.bits);
    double u_scale = 0;
    for (const auto* col : {&ref.u, &ref.v})
      for (const auto& s : *col) u_scale = std::max(u_scale, std::abs(std::strtod(s.c_str(), nullptr)));
    const double uv_error = std::max(d.u, d.v);
    const double rel = u_scale > 0 ? uv_error / u_scale : uv_error;
    const double correct_bits = rel > 0 ? std::clamp(-std::log2(rel), 0.0, static_cast<double>(out.bits)) : out.bits;
    json exceptions = nullptr;
    if (out.exceptions_recorded)
      exceptions = {{"overflow", out.overflow}, {"underflow", out.underflow}, {"invalid", out.invalid}, {"divide_by_zero", out.divide_by_zero}};
    json result = {{"key", cell_key(o, lambda, g.n, g.seed, c)},
          {"kind", g.kind},
          {"lambda", lambda},
          {"gamma", o.gamma_ratio * lambda},
          {"gamma_ratio", o.gamma_ratio},
          {"n", g.n},
          {"seed", g.seed},
          {"generator", o.generator},
          {"variant", to_string(o.variant)},
          {"layers", o.layers},
          {"scalar", c.scalar},
          {"bits", out.bits},
          {"unit_roundoff", out.unit_roundoff},
          {"softmax", softmax_name(c.softmax)},
          {"exp", exp_method_name(exp_method())},
          {"numeric_error", number(d.final_scores)},
          {"numeric_error_layer1", number(d.first_scores)},
          {"uv_abs_error", number(uv_error)},
          {"uv_rel_error", number(rel)},
          {"correct_bits", std::isfinite(rel) ? json(correct_bits) : json(0.0)},
          {"bits_lost", std::isfinite(rel) ? json(out.bits - correct_bits) : json(out.bits)},
          {"distance_to_optimal", numeric_only ? json(nullptr) : number(distance_to(out.final_scores, optimal.log_plan, distance_bits))},
          {"reference_distance_to_optimal", number(ref_distance)},
          {"readout_error", number(readout_error(out, sorted_x))},
          {"reference_readout_error", number(ref_readout)},
          {"nan_entries", out.nan_entries},
          {"inf_entries", out.inf_entries},
          {"first_nonfinite_layer", out.first_nonfinite_layer < 0 ? json(nullptr) : json(out.first_nonfinite_layer)},
          {"underflowed_rows", out.underflowed_rows},
          {"min_exp_argument", number(out.min_exp_argument)},
          {"max_exp_argument", number(out.max_exp_argument)},
          {"log_max_finite", number(out.log_max_finite)},
          {"log_min_normal", number(out.log_min_normal)},
          {"exceptions", exceptions},
          {"cost_max", c_max},
          {"squared_norm_max", s_max},
          {"reference", reference},
          {"optimal", numeric_only ? json{{"method", "not computed (numeric search)"}, {"converged", false}, {"hilbert_bound", nullptr}}
                                   : optimal.summary},
          {"seconds", out.seconds}};
    if (numeric_only) {
      const bool held_out = std::find(o.holdout.begin(), o.holdout.end(), c.scalar) != o.holdout.end();
      result["search"] = {{"start", o.lambda_max}, {"resolution", o.resolution}, {"holdout", held_out}};
    }
    emit(result);
  }
}

std::vector<Group> bisection_groups(const SweepOptions& o, const std::vector<json>& results) {
  std::vector<json> mine;
  for (const auto& c : results)
    if (is_map_cell(c) && c["variant"] == to_string(o.variant) && c["layers"] == o.layers && c["generator"] == o.generator && c["gamma_ratio"] == o.gamma_ratio)
      mine.push_back(c);
  std::set<std::string> have;
  for (const auto& c : mine) have.insert(c["key"].get<std::string>());
  std::vector<Group> groups;
  for (const auto& [key, cells] : curves_of(mine)) {
    const long long k = first_failure(cells, [&](const json& c) { return cell_fails(c, o.tolerance); });
    if (k <= 0) continue;  // no failure, or failing already at the largest lambda
    const double lo = (*cells[k])["lambda"], hi = (*cells[k - 1])["lambda"];
    const double mid = canonical_lambda(std::sqrt(lo * hi));
    if (!(mid > lo && mid < hi)) continue;  // bracket below the key resolution
    const json& c = *cells[k];
    const CellId id{c["scalar"], parse_softmax(c["softmax"])};
    const std::uint64_t seed = c["seed"];
    if (have.count(cell_key(o, mid, c["n"], seed, id))) continue;
    // Curves with the same bracket share the midpoint, hence one reference.
    const long long n = c["n"];
    auto same = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.lambda == mid && g.n == n && g.seed == seed; });
    if (same != groups.end()) same->cells.push_back(id);
    else groups.push_back({mid, n, seed, "bisect", {id}});
  }
  return groups;
}

namespace {

// The lambda of cells[k], nullopt for k < 0 (first_failure's "none").
std::optional<double> lambda_of(const std::vector<const json*>& cells, long long k) {
  return k < 0 ? std::nullopt : std::optional((*cells[static_cast<std::size_t>(k)]).at("lambda").get<double>());
}

bool underflow_flag(const json& c) { return !c.at("exceptions").is_null() && c.at("exceptions").at("underflow").get<bool>(); }

}  // namespace

std::vector<CurveThreshold> thresholds(const std::vector<json>& all, double tolerance) {
  std::vector<CurveThreshold> out;
  std::vector<json> results;  // the grid map's cells (the search's are summarised by search_summary)
  std::copy_if(all.begin(), all.end(), std::back_inserter(results), is_map_cell);
  for (const auto& [key, cells] : curves_of(results)) {
    const json& any = *cells.front();
    CurveThreshold t = curve_identity_from_json(any);
    t.tolerance = tolerance;
    t.cells = static_cast<long long>(cells.size());
    const long long k = first_failure(cells, [&](const json& c) { return cell_fails(c, tolerance); });
    t.lambda_star = lambda_of(cells, k);
    if (k < 0) {
      t.status = fmt::format("no breakdown down to lambda = {:.3g}", cells.back()->at("lambda").get<double>());
    } else {
      const json& f = *cells[k];
      t.passes_at = lambda_of(cells, k - 1);
      t.status = k > 0 ? "bracketed" : "fails at the largest lambda";
      t.cause = cell_cause(f, tolerance);
      t.evidence = ThresholdEvidence{recorded_number(f.at("distance_to_optimal")),
                                     recorded_number(f.at("numeric_error")),
                                     recorded_number(f.at("numeric_error_layer1")),
                                     recorded_number(f.at("reference_distance_to_optimal")),
                                     f.at("nan_entries").get<long long>(),
                                     f.at("inf_entries").get<long long>(),
                                     f.at("underflowed_rows").get<long long>(),
                                     recorded_number(f.at("max_exp_argument")),
                                     recorded_number(f.at("min_exp_argument")),
                                     float_exceptions_from_json(f.at("exceptions")),
                                     f.at("correct_bits").get<double>(),
                                     recorded_number(f.at("optimal").at("hilbert_bound"))};
    }
    // The numeric-only threshold: the first lambda where the distance to the
    // exact-arithmetic reference (rounding alone) exceeds the tolerance.
    t.lambda_star_numeric = lambda_of(cells, first_failure(cells, [&](const json& c) { return numeric_fails(c, tolerance); }));
    // Where the IEEE underflow flag is first raised (hardware types).
    t.lambda_underflow_onset = lambda_of(cells, first_failure(cells, underflow_flag));
    t.cost_max = any.at("cost_max").get<double>();
    t.squared_norm_max = any.at("squared_norm_max").get<double>();
    t.log_min_normal = recorded_number(any.at("log_min_normal"));
    t.unit_roundoff = any.at("unit_roundoff").get<double>();
    out.push_back(std::move(t));
  }
  return out;
}

double search_floor(const std::string& scalar, double gamma_ratio) {
  const double smallest = parse_scalar(scalar).kind == ScalarSpec::Kind::float_ ? std::numeric_limits<float>::min() : std::numeric_limits<double>::min();
  return canonical_lambda(smallest / std::min(1.0, gamma_ratio) * 1.01);  // 1.01: the 6-digit key must not round below the normal range
}

namespace {

struct SearchCurve {
  long long n;
  std::uint64_t seed;
  CellId cell;
};

std::vector<SearchCurve> search_curves(const SweepOptions& o) {
  std::vector<std::string> scalars = o.scalars;
  scalars.insert(scalars.end(), o.holdout.begin(), o.holdout.end());
  // By precision, then name: the order (and so the summary) does not depend on how the
  // types were listed, so `merge` of a result file reproduces it.
  std::sort(scalars.begin(), scalars.end(), [](const std::string& a, const std::string& b) {
    return std::make_pair(bits_of(a), a) < std::make_pair(bits_of(b), b);
  });
  std::vector<long long> ns = o.ns;
  std::sort(ns.rbegin(), ns.rend());  // largest n first (the heaviest groups)
  std::vector<SearchCurve> curves;
  for (long long n : ns)
    for (long long seed = 1; seed <= o.seeds; ++seed)
      for (const auto& s : scalars)
        for (Softmax m : o.softmax) curves.push_back({n, static_cast<std::uint64_t>(seed), {s, m}});
  return curves;
}

// A search probe's curve and lambda, decoded once: search_groups and search_summary
// match every probe against every curve. `line` is the result line the failure rules read.
struct ProbeLine {
  const json* line;
  double lambda;
  long long n, layers;
  std::uint64_t seed;
  std::string scalar, softmax, variant, generator;
  double gamma_ratio;
};

std::vector<ProbeLine> probe_lines(const std::vector<json>& results) {
  std::vector<ProbeLine> probes;
  for (const auto& c : results)
    if (c.value("kind", std::string("grid")) == "search")
      probes.push_back({&c, c.at("lambda").get<double>(), c.at("n").get<long long>(), c.at("layers").get<long long>(), c.at("seed").get<std::uint64_t>(),
                        c.at("scalar").get<std::string>(), c.at("softmax").get<std::string>(), c.at("variant").get<std::string>(),
                        c.at("generator").get<std::string>(), c.at("gamma_ratio").get<double>()});
  return probes;
}

bool on_curve(const ProbeLine& p, const SweepOptions& o, const SearchCurve& k) {
  return p.n == k.n && p.seed == k.seed && p.scalar == k.cell.scalar && p.softmax == softmax_name(k.cell.softmax) && p.variant == to_string(o.variant) &&
         p.layers == o.layers && p.generator == o.generator && p.gamma_ratio == o.gamma_ratio;
}

// The curve's probes by decreasing lambda.
std::vector<const ProbeLine*> cells_on(const std::vector<ProbeLine>& probes, const SweepOptions& o, const SearchCurve& k) {
  std::vector<const ProbeLine*> cells;
  for (const auto& p : probes)
    if (on_curve(p, o, k)) cells.push_back(&p);
  std::sort(cells.begin(), cells.end(), [](const ProbeLine* a, const ProbeLine* b) { return a->lambda > b->lambda; });
  return cells;
}

study::SearchStep search_step(const std::vector<const ProbeLine*>& cells, const SweepOptions& o, const std::string& scalar) {
  std::vector<study::Probe> probes;
  for (const ProbeLine* c : cells) probes.push_back({c->lambda, numeric_fails(*c->line, o.tolerance)});
  return study::next_probe(probes, {o.lambda_max, search_floor(scalar, o.gamma_ratio), o.resolution}, canonical_lambda);
}

// The largest probed lambda at most `below` at which pred holds, or null (probe resolution:
// below lambda* the probes are the galloping ones, decades apart).
template <class Pred> std::optional<double> onset(const std::vector<const ProbeLine*>& cells, Pred pred, double below = kInf) {
  for (const ProbeLine* c : cells)
    if (c->lambda <= below && pred(*c->line)) return c->lambda;
  return std::nullopt;
}

}  // namespace

std::optional<SweepOptions> search_options_of(const std::vector<json>& results, double tolerance) {
  std::optional<SweepOptions> o;
  std::set<long long> ns;
  std::set<std::string> scalars, holdout;
  std::set<std::string> modes;
  for (const auto& c : results) {
    if (c["kind"] != "search") continue;
    if (!o) {
      o.emplace();
      o->search = true;
      o->tolerance = tolerance;
      o->lambda_max = c.at("search").at("start").get<double>();
      o->resolution = c.at("search").at("resolution").get<double>();
      o->variant = parse_variant(c["variant"].get<std::string>());
      o->layers = c["layers"];
      o->generator = c["generator"];
      o->gamma_ratio = c["gamma_ratio"];
      o->seeds = 0;
    }
    ns.insert(c["n"].get<long long>());
    (c.at("search").at("holdout").get<bool>() ? holdout : scalars).insert(c["scalar"].get<std::string>());
    modes.insert(c["softmax"].get<std::string>());
    o->seeds = std::max<long long>(o->seeds, c["seed"].get<long long>());
  }
  if (o) {
    o->ns.assign(ns.begin(), ns.end());
    o->scalars.assign(scalars.begin(), scalars.end());
    o->holdout.assign(holdout.begin(), holdout.end());
    o->softmax.clear();
    for (const auto& m : modes) o->softmax.push_back(parse_softmax(m));
  }
  return o;
}

std::vector<Group> search_groups(const SweepOptions& o, const std::vector<json>& results, long long index, long long count) {
  std::vector<Group> groups;
  const auto curves = search_curves(o);
  const auto probes = probe_lines(results);
  for (std::size_t k = 0; k < curves.size(); ++k) {
    if (static_cast<long long>(k) % count != index) continue;
    const SearchCurve& curve = curves[k];
    const study::SearchStep step = search_step(cells_on(probes, o, curve), o, curve.cell.scalar);
    if (step.status != study::SearchStatus::probing) continue;
    const double lambda = *step.next;
    // Curves of one type probing the same lambda (its softmax modes) share one group, hence
    // one reference; other types get their own, at their own precision (p + 32 bits).
    auto same = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
      return g.lambda == lambda && g.n == curve.n && g.seed == curve.seed && g.cells.front().scalar == curve.cell.scalar;
    });
    if (same != groups.end()) same->cells.push_back(curve.cell);
    else groups.push_back({lambda, curve.n, curve.seed, "search", {curve.cell}});
  }
  return groups;
}

SearchSummary search_summary(const std::vector<json>& results, const SweepOptions& o) {
  SearchSummary summary{{}, {}, o.resolution, o.lambda_max};
  // The law's points per (n, softmax), in the order of the text "n|softmax" (the laws' order in the summary).
  struct LawPoints {
    long long n;
    std::string softmax;
    std::vector<study::ThresholdPoint> points;
  };
  std::map<std::string, LawPoints> fit_points;
  const auto probes = probe_lines(results);
  for (const auto& curve : search_curves(o)) {
    const auto cells = cells_on(probes, o, curve);
    if (cells.empty()) continue;
    const study::SearchStep step = search_step(cells, o, curve.cell.scalar);
    const json& any = *cells.front()->line;
    SearchThreshold t;
    t.n = curve.n;
    t.scalar = curve.cell.scalar;
    t.softmax = softmax_name(curve.cell.softmax);
    t.seed = curve.seed;
    t.layers = o.layers;
    t.tolerance = o.tolerance;
    t.bits = any.at("bits").get<long long>();
    const double u = t.unit_roundoff = any.at("unit_roundoff").get<double>();
    const double s_max = t.squared_norm_max = any.at("squared_norm_max").get<double>();
    t.holdout = std::find(o.holdout.begin(), o.holdout.end(), curve.cell.scalar) != o.holdout.end();
    t.probes = static_cast<long long>(cells.size());
    t.status = study::to_string(step.status);
    t.floor = search_floor(curve.cell.scalar, o.gamma_ratio);
    t.lambda_star_numeric = step.lambda_star;
    t.passes_at = step.passes_at;
    t.e7_lambda_c = u * s_max / o.tolerance;
    if (step.lambda_star) {
      const json& f = *(*std::find_if(cells.begin(), cells.end(), [&](const ProbeLine* c) { return c->lambda == *step.lambda_star; }))->line;
      t.c = *step.lambda_star * o.tolerance / (u * s_max);
      t.cause = numeric_cause(f);
      t.evidence = numeric_evidence_from_json(f);  // the evidence's keys are the line's
      if (step.status == study::SearchStatus::bracketed && !t.holdout)
        fit_points.try_emplace(fmt::format("{}|{}", curve.n, t.softmax), LawPoints{curve.n, t.softmax, {}})
            .first->second.points.push_back({u, *step.lambda_star, s_max, o.tolerance});
    }
    // What begins as lambda shrinks: exp's underflow (E5, harmless, over all probes) and,
    // at or below lambda*, the failures that follow it -- a data row of the pattern all
    // zero, non-finite entries, a readout off by half a grid step, u and v with no correct bit.
    const double below = step.lambda_star ? *step.lambda_star : kInf;
    t.onsets = {onset(cells, [](const json& c) { return metric(c, "min_exp_argument") < metric(c, "log_min_normal"); }),
                onset(cells, underflow_flag),
                onset(cells, [](const json& c) { return c.at("underflowed_rows").get<long long>() > 0; }, below),
                onset(cells, [](const json& c) { return nonfinite(c); }, below),
                onset(cells, [&](const json& c) { return !(metric(c, "readout_error") < 0.5 / static_cast<double>(curve.n)); }, below),
                onset(cells, [](const json& c) { return c.at("correct_bits").get<double>() <= 0; }, below)};
    summary.curves.push_back(std::move(t));
  }
  for (const auto& [key, fitted] : fit_points) {
    const auto& points = fitted.points;
    ThresholdLawFit l{fitted.n, fitted.softmax, static_cast<long long>(points.size()), std::nullopt};
    if (const auto law = study::fit_threshold_law(points)) {
      std::vector<double> us;
      for (const auto& p : points) us.push_back(p.unit_roundoff);
      const study::LawBounds b = study::law_bounds(us, kE7CLow, kE7CHigh);
      FittedLaw f{*law, b, law->fit.slope >= b.slope_low && law->fit.slope <= b.slope_high && law->c_min >= b.c_low && law->c_max <= b.c_high, {}};
      for (const auto& t : summary.curves)
        if (t.holdout && t.n == l.n && t.softmax == l.softmax) f.holdout.push_back({t.scalar, law->predict(t.unit_roundoff), t.lambda_star_numeric, t.passes_at});
      l.fit = std::move(f);
    }
    summary.laws.push_back(std::move(l));
  }
  return summary;
}

std::vector<Group> depth_groups(const SweepOptions& o, const std::vector<json>& results, long long index, long long count) {
  std::set<std::string> have;
  for (const auto& c : results)
    if (c["kind"] == "depth") have.insert(c["key"].get<std::string>());
  std::vector<Group> groups;
  long long k = 0;
  for (long long n : o.ns)
    for (long long seed = 1; seed <= o.seeds; ++seed)
      for (long long half = 0;; ++half) {
        const double lambda = canonical_lambda(o.lambda_max * std::pow(10.0, -0.5 * static_cast<double>(half)));
        if (lambda < o.depth_min * (1 - 1e-9)) break;
        if (k++ % count != index || have.count(depth_key(o, lambda, n, static_cast<std::uint64_t>(seed)))) continue;
        // The cell names the arithmetic for the cost estimate only; depth_line picks the bits.
        groups.push_back({lambda, n, static_cast<std::uint64_t>(seed), "depth", {{"mpfr:128", Softmax::stable}}});
      }
  return groups;
}

std::vector<DepthCurve> depth_summary(const std::vector<json>& results) {
  std::map<long long, std::vector<const json*>> by_n;
  for (const auto& c : results)
    if (c.value("kind", std::string("grid")) == "depth") by_n[c.at("n").get<long long>()].push_back(&c);
  std::vector<DepthCurve> out;
  for (auto& [n, lines] : by_n) {
    std::sort(lines.begin(), lines.end(), [](const json* a, const json* b) { return a->at("lambda").get<double>() > b->at("lambda").get<double>(); });
    DepthCurve t{n, {}, 0, std::nullopt};
    std::vector<double> x, y;
    for (const json* l : lines) {
      const long long needed = l->at("layers_needed").get<long long>();
      const json& optimal = l->at("optimal");
      // Depth lines written before Theorem 2's prediction lack it.
      auto optional_number = [&](const char* name) { return l->contains(name) ? recorded_number(l->at(name)) : std::nullopt; };
      t.points.push_back({l->at("lambda").get<double>(), needed < 0 ? std::nullopt : std::optional(needed), l->at("layers").get<long long>(),
                          recorded_number(l->at("distance")), optimal.at("bits").get<long long>(), optimal.at("converged").get<bool>(),
                          l->at("bits").get<long long>(), l->at("seconds").get<double>(), optional_number("theorem2_r"),
                          optional_number("theorem2_log10_min_layers")});
      if (needed < 0) ++t.beyond_cap;
      if (needed >= 1) x.push_back(-std::log10(l->at("lambda").get<double>())), y.push_back(std::log10(static_cast<double>(needed)));
    }
    t.fit = study::fit_line(x, y);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace otv::study

namespace otv::study {

std::vector<json> run_groups_here(const SweepOptions& o, const std::vector<Group>& groups, const std::function<void(const json&)>& after_cell) {
  std::vector<json> lines;
  for (const auto& g : groups)
    run_group(o, g, [&](const json& line) {
      lines.push_back(line);
      if (after_cell) after_cell(line);
    });
  return lines;
}

bool run_sweep(const SweepOptions& o, const SweepShard& shard, std::vector<json>& results, const GroupRunner& run) {
  auto add = [&](const std::vector<Group>& groups, const std::string& what) {
    const auto lines = run(o, groups, what);
    if (lines) results.insert(results.end(), lines->begin(), lines->end());
    return lines.has_value();
  };
  bool complete = true;
  // The search: each round probes the next lambda of every unfinished curve (a
  // shard runs its own curves to the end; results so far continue the search).
  for (long long round = 1; complete && o.search; ++round) {
    const auto groups = search_groups(o, results, shard.index, shard.count);
    if (groups.empty()) break;
    complete = add(groups, fmt::format("search round {}", round));
  }
  if (const auto groups = o.search && o.depth ? depth_groups(o, results, shard.index, shard.count) : std::vector<Group>{}; complete && !groups.empty())
    complete = add(groups, "depth needed");
  std::set<std::string> have;
  for (const auto& c : results) have.insert(c.at("key").get<std::string>());
  std::vector<Group> grid;
  const auto all = o.search ? std::vector<Group>{} : grid_groups(o);
  for (std::size_t k = 0; k < all.size(); ++k)
    if (static_cast<long long>(k) % shard.count == shard.index) grid.push_back(all[k]);
  // The cells already in the results (resume) are not run again.
  for (auto& g : grid) std::erase_if(g.cells, [&](const CellId& c) { return have.count(cell_key(o, g.lambda, g.n, g.seed, c)) > 0; });
  std::erase_if(grid, [](const Group& g) { return g.cells.empty(); });
  if (complete && !grid.empty()) complete = add(grid, "breakdown grid");
  for (long long round = 0; complete && !o.search && shard.whole && round < o.bisect_steps; ++round) {
    const auto groups = bisection_groups(o, results);
    if (groups.empty()) break;
    complete = add(groups, fmt::format("bisection {}/{}", round + 1, o.bisect_steps));
  }
  return complete;
}

BreakdownSummary breakdown_summary(const std::vector<json>& results, const SweepOptions& o) {
  BreakdownSummary s{static_cast<long long>(results.size()), o.tolerance, thresholds(results, o.tolerance), std::nullopt, std::nullopt};
  if (o.search) s.search = search_summary(results, o);
  if (o.search) s.depth = depth_summary(results);
  return s;
}

}  // namespace otv::study
