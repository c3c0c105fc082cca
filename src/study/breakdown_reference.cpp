#include "study/breakdown_reference.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "otv/scalar_registry.hpp"
#include "study/json_value.hpp"

namespace otv::study {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool finite_text(const std::string& s) { return s.find_first_of("nNiI") == std::string::npos; }

}  // namespace

Difference difference(const CellOutput& a, const CellOutput& b, unsigned bits) {
  Difference d;
  return with_scalar({ScalarSpec::Kind::mpfr, bits}, [&]<class Real>() {
    using T = ScalarTraits<Real>;
    auto oscillation = [](const std::vector<std::string>& x, const std::vector<std::string>& y, double& scale) {
      Real hi = 0, lo = 0;
      for (std::size_t k = 0; k < x.size(); ++k) {
        if (!finite_text(x[k]) || !finite_text(y[k])) return kInf;
        const Real yk = T::parse(y[k]);
        const Real diff = T::parse(x[k]) - yk;
        if (k == 0 || diff > hi) hi = diff;
        if (k == 0 || diff < lo) lo = diff;
        scale = std::max(scale, T::to_double(abs(yk)));
      }
      return T::to_double(hi - lo);
    };
    auto max_abs = [](const std::vector<std::string>& x, const std::vector<std::string>& y, double& scale) {
      Real m = 0;
      for (std::size_t k = 0; k < x.size(); ++k) {
        if (!finite_text(x[k]) || !finite_text(y[k])) return kInf;
        const Real yk = T::parse(y[k]);
        m = max_of<Real>(m, abs(T::parse(x[k]) - yk));
        scale = std::max(scale, T::to_double(abs(yk)));
      }
      return T::to_double(m);
    };
    d.final_scores = oscillation(a.final_scores, b.final_scores, d.reference_scale);
    d.first_scores = oscillation(a.first_scores, b.first_scores, d.reference_scale);
    d.u = max_abs(a.u, b.u, d.reference_scale);
    d.v = max_abs(a.v, b.v, d.reference_scale);
    return d;
  });
}

double distance_to(const std::vector<std::string>& scores, const std::vector<std::string>& log_plan, unsigned bits) {
  return with_scalar({ScalarSpec::Kind::mpfr, bits}, [&]<class Real>() {
    using T = ScalarTraits<Real>;
    Real hi = 0, lo = 0;
    for (std::size_t k = 0; k < scores.size(); ++k) {
      if (!finite_text(scores[k])) return kInf;
      const Real diff = T::parse(scores[k]) - T::parse(log_plan[k]);
      if (k == 0 || diff > hi) hi = diff;
      if (k == 0 || diff < lo) lo = diff;
    }
    return T::to_double(hi - lo);
  });
}

double readout_error(const CellOutput& c, const std::vector<double>& sorted) {
  double e = 0;
  for (std::size_t k = 0; k < sorted.size(); ++k) {
    if (!finite_text(c.readout[k])) return kInf;
    e = std::max(e, std::abs(std::strtod(c.readout[k].c_str(), nullptr) - sorted[k]));
  }
  return e;
}

double reference_change(const CellOutput& below, const CellOutput& above) {
  const Difference d = difference(below, above, above.bits);
  return std::max({d.final_scores, d.first_scores, d.u, d.v}) / std::max(1.0, d.reference_scale);
}

Ladder<CellOutput> climb_reference(unsigned p_max, const std::function<CellOutput(const ScalarSpec&)>& compute) {
  const double threshold = std::ldexp(1.0, -static_cast<int>(p_max + 8));
  return climb<CellOutput>(
      {ScalarSpec::Kind::mpfr, p_max + 32}, [&](const ScalarSpec& rung, const std::vector<Rung<CellOutput>>&) { return compute(rung); },
      [](const CellOutput& below, const CellOutput& above) { return std::optional<double>(reference_change(below, above)); },
      [&](const std::vector<Rung<CellOutput>>& rungs) {
        const bool settled = rungs.back().change && *rungs.back().change < threshold;
        return LadderStep{settled, settled ? std::nullopt : std::optional(ScalarSpec{ScalarSpec::Kind::mpfr, 2 * rungs.back().scalar.bits})};
      },
      1 + kMaxReferenceDoublings);
}

Ladder<CellOutput> breakdown_reference(const CellSpec& spec, unsigned p_max) {
  return climb_reference(p_max, [&](const ScalarSpec& rung) { return breakdown_cell(rung, spec); });
}

nlohmann::json reference_ladder_json(const Ladder<CellOutput>& ladder) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : ladder.rungs)
    out.push_back({{"bits", r.result.bits}, {"change", r.change ? json_number(*r.change) : nlohmann::json(nullptr)}, {"seconds", r.result.seconds}});
  return out;
}

}  // namespace otv::study
