#include "study/entropic_reference.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "otv/instance.hpp"
#include "otv/scalar_registry.hpp"
#include "otv/sinkhorn.hpp"

namespace otv::study {

namespace {

// Warm start: Sinkhorn in double (its f/g split may be off, which Newton corrects).
constexpr int kWarmStartIterations = 500;
constexpr unsigned kFirstRungBits = 128, kMaxRungBits = 1u << 16;

Potentials warm_start(const InstanceText& text, const std::string& lambda_text) {
  const Instance<double> inst = to_real<double>(text);
  const double lambda = parse_finite<double>(lambda_text);
  const SinkhornResult<double> s = sinkhorn_log_scaled<double>(cost_matrix<double>(inst), lambda, 0.0, kWarmStartIterations);
  Potentials p;
  for (Eigen::Index i = 0; i < s.f.size(); ++i) {
    p.alpha.push_back(fmt::format("{:.17g}", s.f(i) / lambda));
    p.beta.push_back(fmt::format("{:.17g}", s.g(i) / lambda));
  }
  return p;
}

nlohmann::json optional_number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

}  // namespace

LadderStep reference_step(const std::vector<Rung<ReferenceRung>>& rungs, double target, unsigned max_bits) {
  const Rung<ReferenceRung>& top = rungs.back();
  const RungCertificate& cert = top.result.certificate;
  const bool below = cert.certified && cert.hilbert_bound <= target;
  if (below && top.change && *top.change <= target) return {true, std::nullopt};
  const double needed = std::isfinite(cert.log2_min_eigenvalue) ? -cert.log2_min_eigenvalue + std::ceil(-std::log2(target)) + 64 : 0;
  const unsigned bits = top.scalar.bits;
  const double step = below ? 1.25 * bits : 2.0 * bits;
  const auto next = static_cast<unsigned>(std::max<double>(step, std::min<double>(needed, 2.0 * max_bits)));
  if (next > max_bits) return {false, std::nullopt};
  return {false, ScalarSpec{ScalarSpec::Kind::mpfr, next}};
}

EntropicReference entropic_reference(const InstanceText& inst, const std::string& lambda, double target) {
  const Potentials start = warm_start(inst, lambda);
  auto compute = [&](const ScalarSpec& at, const std::vector<Rung<ReferenceRung>>& below) {
    PrecisionScope scope(at.bits);
    const RungRefinement refined = EntropicReferenceRung<mpfr_real>::refine(inst, lambda, below.empty() ? start : below.back().result.potentials);
    return ReferenceRung{at.bits, ScalarTraits<mpfr_real>::bits(), refined.potentials, refined.iterations, refined.residual,
                         EntropicReferenceRung<mpfi_real>::certify(inst, lambda, refined.potentials)};
  };
  // The change is measured at the upper rung's precision.
  auto compare = [](const ReferenceRung& below, const ReferenceRung& above) -> std::optional<double> {
    PrecisionScope scope(above.scope_bits);
    return EntropicReferenceRung<mpfr_real>::change(above.potentials, below.potentials);
  };
  const Ladder<ReferenceRung> ladder = climb<ReferenceRung>(
      ScalarSpec{ScalarSpec::Kind::mpfr, kFirstRungBits}, compute, compare,
      [&](const std::vector<Rung<ReferenceRung>>& rungs) { return reference_step(rungs, target, kMaxRungBits); }, SIZE_MAX);

  EntropicReference r;
  r.target = target;
  for (const Rung<ReferenceRung>& rung : ladder.rungs) {
    const ReferenceRung& e = rung.result;
    r.ladder.push_back({{"bits", e.bits}, {"newton_iterations", e.newton_iterations}, {"residual", e.residual},
                        {"log2_min_eigenvalue", optional_number(e.certificate.log2_min_eigenvalue)},
                        {"hilbert_bound", optional_number(e.certificate.hilbert_bound)},
                        {"change", rung.change ? nlohmann::json(*rung.change) : nlohmann::json(nullptr)}});
  }
  const ReferenceRung& top = ladder.top().result;
  r.bits = top.bits;
  r.hilbert_bound = top.certificate.hilbert_bound;
  r.converged = ladder.settled;  // settled at the top rung, whose plan is returned
  {
    PrecisionScope scope(r.bits);
    r.log_plan = EntropicReferenceRung<mpfr_real>::log_plan(inst, lambda, top.potentials);
    r.log_w = EntropicReferenceRung<mpfr_real>::shifted(top.potentials.alpha, "0.5");
    r.log_q = EntropicReferenceRung<mpfr_real>::shifted(top.potentials.beta, "0.5");
  }
  r.potentials = top.potentials;
  return r;
}

double reference_target(const ScalarSpec& scalar) {
  const double u = with_scalar(scalar, []<class Real>() { return ScalarTraits<Real>::to_double(ScalarTraits<Real>::unit_roundoff()); });
  return std::min(1e-20, u / 256);
}

nlohmann::json reference_summary(const EntropicReference& r) {
  return {{"method", "log-domain Sinkhorn (double), then Newton on the dual in mpfr, certified in mpfi (docs/error-model.md E8)"},
          {"converged", r.converged},
          {"hilbert_bound", std::isfinite(r.hilbert_bound) ? nlohmann::json(r.hilbert_bound) : nlohmann::json(nullptr)},
          {"target", r.target},
          {"bits", r.bits},
          {"ladder", r.ladder}};
}

}  // namespace otv::study
