#include "cli/breakdown_sweep.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cli/options.hpp"
#include "cli/resource_guard.hpp"
#include "otv/scalar_registry.hpp"

namespace otv::cli {

namespace {

std::vector<std::string> split_list(const std::string& text, const char* what) {
  std::vector<std::string> out;
  for (const auto& item : split(text, ',')) {
    const std::string t = trim(item);
    if (t.empty()) throw InputError(std::string("empty entry in ") + what + " list " + excerpt(text));
    out.push_back(t);
  }
  return out;
}

}  // namespace

void set_sweep_lists(SweepOptions& o, const std::string& ns_text, const std::string& scalars_text, const std::string& softmax_text) {
  o.ns = parse_integer_list<long long>(ns_text, "--n", 1, study::kMaxSweepN);
  o.scalars = split_list(scalars_text, "--scalars");
  for (const auto& s : o.scalars) parse_scalar(s);
  o.softmax = study::parse_softmax_modes(split_list(softmax_text, "--softmax"));
}

void require_sweep_memory(const SweepOptions& o, long long jobs) {
  unsigned p_max = 0;
  for (const auto& s : o.scalars) p_max = std::max(p_max, with_scalar(parse_scalar(s), []<class Real>() { return ScalarTraits<Real>::bits(); }));
  const ScalarSpec rung{ScalarSpec::Kind::mpfr, 2 * (p_max + 32)};
  const long long n = *std::max_element(o.ns.begin(), o.ns.end());
  // The rung's forward pass, and the scores at layers 1 and L of it and of the
  // rung before, kept as decimal strings for the comparison.
  const std::uint64_t worker = estimate_bytes(rung, {static_cast<std::size_t>(n), 1, 0, 0}) +
                               decimal_strings_bytes(rung.bits, 4 * static_cast<std::uint64_t>(n * n));
  require_bytes(static_cast<std::uint64_t>(jobs) * worker, fmt::format("breakdown with {} worker(s) at n = {}", jobs, n),
                "reduce --n, the precision or --jobs");
}

namespace {

std::string lambda_text(const std::optional<double>& v) { return v ? fmt::format("{:.3g}", *v) : std::string("-"); }

}  // namespace

void print_threshold_table(const std::vector<study::CurveThreshold>& t) {
  fmt::print("{:>5} {:<12} {:<7} {:>5} {:>11} {:>11}  {:<15} {:>11} {:>11}\n", "n", "scalar", "softmax", "seed", "lambda*", "passes at",
             "cause", "numeric l*", "underflow");
  for (const auto& r : t)
    fmt::print("{:>5} {:<12} {:<7} {:>5} {:>11} {:>11}  {:<15} {:>11} {:>11}\n", r.n, r.scalar, r.softmax, r.seed, lambda_text(r.lambda_star),
               lambda_text(r.passes_at), r.cause.value_or("none"), lambda_text(r.lambda_star_numeric), lambda_text(r.lambda_underflow_onset));
  fmt::print("lambda*: largest lambda (scanning down) where the head-1 pattern is farther than the tolerance from P_lambda* in the\n"
             "Hilbert metric, or non-finite; numeric l*: the same for the distance to the exact-arithmetic reference alone;\n"
             "underflow: largest lambda where the IEEE underflow flag was raised (hardware types).\n");
}


void print_search_summary(const study::SearchSummary& s) {
  fmt::print("{:>5} {:<16} {:<7} {:>6} {:>10} {:>10} {:>10} {:>6}  {:<13} {:>7}  {}\n", "n", "scalar", "softmax", "layers", "lambda*", "passes at",
             "E7 u S/tol", "c", "cause", "probes", "status");
  for (const auto& t : s.curves)
    fmt::print("{:>5} {:<16} {:<7} {:>6} {:>10} {:>10} {:>10} {:>6}  {:<13} {:>7}  {}\n", t.n, t.scalar + (t.holdout ? " (out)" : ""), t.softmax,
               t.layers, lambda_text(t.lambda_star_numeric), lambda_text(t.passes_at), lambda_text(t.e7_lambda_c),
               t.c ? fmt::format("{:.2f}", *t.c) : "-", t.cause.value_or("none"), t.probes, t.status);
  for (const auto& l : s.laws) {
    if (!l.fit) {
      fmt::print("law n = {} {}: fewer than two types bracketed, no fit\n", l.n, l.softmax);
      continue;
    }
    const study::ThresholdLaw& law = l.fit->law;
    fmt::print("law n = {} {}: log10 lambda* = {:.3f} + {:.4f} (+- {}) log10 u over {} types; c = lambda* tol/(u S) = {:.2f} [{:.2f}, {:.2f}]; E7 bounds {}\n",
               l.n, l.softmax, law.fit.intercept, law.fit.slope, law.fit.slope_stderr ? fmt::format("{:.4f}", *law.fit.slope_stderr) : std::string("-"),
               l.points, law.c_geometric_mean, law.c_min, law.c_max, l.fit->within_e7_bounds ? "met" : "NOT met");
    for (const auto& h : l.fit->holdout)
      fmt::print("  out of sample {}: predicted {:.3g}, measured {} (passes at {})\n", h.scalar, h.predicted, lambda_text(h.measured), lambda_text(h.passes_at));
  }
  fmt::print("lambda*: the largest probed lambda whose head-1 scores depart from the same computation in exact arithmetic (mpfr reference\n"
             "ladder) by more than the tolerance, or turn non-finite; found by galloping down by decades from the start, then bisection in\n"
             "log lambda to the resolution. c = lambda* tol / (u S), S = max |x|^2 + |y|^2 (docs/error-model.md E7).\n");
}


void print_depth_summary(const std::vector<study::DepthCurve>& d) {
  for (const auto& t : d) {
    std::string row;
    for (const auto& p : t.points)
      row += fmt::format(" {:.3g}:{}", p.lambda, p.layers_needed ? std::to_string(*p.layers_needed) : fmt::format(">{}", p.cap));
    fmt::print("depth needed, n = {} (lambda:L):{}\n", t.n, row);
    if (t.fit)
      fmt::print("  log10 L_needed = {:.3f} + {:.3f} (+- {}) log10(1/lambda) over {} points\n", t.fit->intercept, t.fit->slope,
                 t.fit->slope_stderr ? fmt::format("{:.3f}", *t.fit->slope_stderr) : std::string("-"), t.fit->points);
  }
  if (!d.empty())
    fmt::print("depth needed: the first L at which exact arithmetic's head-1 scores on Z^(L) are within the tolerance of the certified\n"
               "log P_lambda* (Hilbert metric); '>cap': not within it in cap layers (too-few-layers only there).\n");
}

}  // namespace otv::cli
