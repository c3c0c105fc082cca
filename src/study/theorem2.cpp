// Theorem 2's study (theorem2.hpp): the reference, the per-type run, the rate grid
// and the JSON codec; the per-type runs are study/theorem2_impl.hpp's.
#include "otv/scalar_registry.hpp"
#include "study/theorem2.hpp"

#include <fmt/format.h>

#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <map>

#include "study/forward_run.hpp"

namespace otv::study {

using nlohmann::json;

Spectrum spectrum(const std::vector<double>& row_major, std::size_t n) {
  const auto m = static_cast<Eigen::Index>(n);
  Eigen::MatrixXd D(m, m);
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = 0; j < m; ++j) D(i, j) = row_major.at(static_cast<std::size_t>(i * m + j));
  const Eigen::VectorXd sv = Eigen::JacobiSVD<Eigen::MatrixXd>(D).singularValues();
  const double total = sv.sum();
  double entropy = 0;
  for (Eigen::Index k = 0; k < sv.size(); ++k)
    if (sv(k) > 0) entropy -= sv(k) / total * std::log(sv(k) / total);
  return {std::vector<double>(sv.data(), sv.data() + sv.size()), std::exp(entropy)};
}

bool Theorem2Result::bound_holds() const { return std::log10(measured) <= bound.log10_bound; }

bool Theorem2Result::claim_fails() const { return bound.precondition_holds && !bound_holds(); }

std::string relabelling_key(const InstanceText& inst) {
  auto sorted = [](PointsText p) {
    std::sort(p.begin(), p.end());
    std::string s;
    for (const auto& pt : p)
      for (const auto& c : pt) s += c + " ";
    return s;
  };
  return sorted(inst.x) + "|" + sorted(inst.y);
}

namespace {

Theorem2Result analyse(const Theorem2Spec& spec, const InstanceText& inst, double target) {
  const EntropicReference reference = entropic_reference(inst, spec.lambda, target);
  Theorem2Spec one = spec;
  one.instance = inst;
  Theorem2Result r = with_scalar(spec.scalar, [&]<class Real>() { return Theorem2Study<Real>::run(one, reference); });
  if (spec.after_instance) spec.after_instance();
  return r;
}

// Grid: n in {2, 4, 8}; paper, uniform and gaussian instances, seeds 1..3; one run
// of l_max layers each, the measured distance at l the running minimum up to l.
// Relabelled instances (every paper seed is one) are run once.
Theorem2Rates rates_over_grid(const Theorem2Spec& spec, double target) {
  std::vector<RateInstance> runs;
  std::vector<RelabelledDuplicate> duplicates;
  std::map<std::string, std::string> first_of;  // relabelling key -> the instance's name
  for (long long n : {2, 4, 8})
    for (const char* family : {"paper", "uniform", "gaussian"})
      for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        const auto nn = static_cast<std::size_t>(n);
        const InstanceText inst = family == std::string("paper")     ? paper_instance(nn, seed)
                                  : family == std::string("uniform") ? uniform_instance(nn, 1, seed)
                                                                     : gaussian_instance(nn, 1, seed);
        const std::string name = fmt::format("{} n={} seed={}", family, n, seed), key = relabelling_key(inst);
        if (const auto it = first_of.find(key); it != first_of.end()) {
          duplicates.push_back({name, it->second});
          continue;
        }
        first_of.emplace(key, name);
        const Theorem2Result r = analyse(spec, inst, target);
        RateInstance run{name, key, n, std::exp(r.bound.log_r), r.bound.eta, r.bound.log10_bound, r.unit_roundoff, {}, {}};
        for (const Theorem2Layer& e : r.per_layer) {
          run.layers.push_back(e.layer);
          run.distance.push_back(e.distance);
        }
        runs.push_back(std::move(run));
      }
  return analyse_rates(runs, duplicates, spec.layers);
}

}  // namespace

Theorem2Result run_theorem2(const Theorem2Spec& spec) {
  if (spec.layers < 1) throw InputError("theorem2 needs --layers >= 1");
  validate(spec.instance);
  validate_run_parameters(spec.lambda, spec.gamma, spec.layers, {});
  const double target = reference_target(spec.scalar);
  Theorem2Result r = analyse(spec, spec.instance, target);
  if (spec.rates) r.rates = rates_over_grid(spec, target);
  return r;
}

std::optional<double> min_layers_for_precondition(const Theorem2Bound& b) {
  if (!(b.log10_min_layers < 15)) return std::nullopt;
  return std::ceil(std::pow(10.0, b.log10_min_layers));
}

json to_json(const Theorem2Result& r) {
  const Theorem2Bound& b = r.bound;
  const double log10_measured = std::log10(r.measured);
  json per_layer = json::array(), ranks = json::array();
  for (const Theorem2Layer& e : r.per_layer) per_layer.push_back({{"layer", e.layer}, {"distance", e.distance}, {"residual", e.residual}});
  for (const PatternSpectrum& p : r.rank)
    ranks.push_back({{"singular_values", p.spectrum.singular_values}, {"effective_rank", p.spectrum.effective_rank}, {"layer", p.layer}});
  json j;
  j["scalar"] = r.scalar;
  j["kernels"] = r.kernels;
  j["unit_roundoff"] = r.unit_roundoff;
  j["variant"] = to_string(r.variant);
  j["n"] = r.n;
  j["lambda"] = r.lambda;
  j["gamma"] = r.gamma;
  j["layers"] = r.layers;
  j["r"] = std::exp(b.log_r);
  j["log_r"] = b.log_r;
  j["eta"] = b.eta;
  j["log_phi"] = b.log_phi;
  j["phi"] = std::exp(b.log_phi);
  j["log10_bound"] = b.log10_bound;
  j["precondition_holds"] = b.precondition_holds;
  const std::optional<double> min_layers = min_layers_for_precondition(b);
  j["min_layers_for_precondition"] = min_layers ? json(*min_layers) : json(nullptr);
  j["log10_min_layers_for_precondition"] = b.log10_min_layers;
  j["measured"] = r.measured;
  j["argmin_layer"] = r.argmin_layer;
  j["bound_holds"] = r.bound_holds();
  j["log10_tightness"] = b.log10_bound - log10_measured;
  j["max_factorization_residual"] = r.max_factorization_residual;
  j["per_layer"] = per_layer;
  j["rank"] = ranks;
  json reference = reference_summary(r.reference);
  reference["log_w"] = r.reference.log_w;  // w* = exp(log_w), q* = exp(log_q): P* = diag(w*) Q diag(q*)
  reference["log_q"] = r.reference.log_q;
  j["reference"] = reference;
  j["reference_converged"] = r.reference.converged;
  if (r.rates) j["rates"] = to_json(*r.rates);
  return j;
}

}  // namespace otv::study
