#pragma once
// The breakdown's exact-arithmetic reference and the comparisons with it
// (docs/error-model.md): the same cell in mpfr on a precision ladder
// (study/precision_ladder.hpp) from p_max + 32 bits, doubled until doubling changes
// every compared quantity by less than 2^-(p_max + 8) of its scale, p_max the highest
// precision of the cells it serves; at most 4 doublings.
#include <nlohmann/json.hpp>

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "study/breakdown_cell.hpp"
#include "study/precision_ladder.hpp"

namespace otv::study {

// Differences between two cells a (computed) and b (reference), in mpfr at `bits`.
struct Difference {
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  double final_scores = kInf, first_scores = kInf;  // oscillation max - min of the difference, nats
  double u = kInf, v = kInf;                          // max absolute difference of the u, v columns
  double reference_scale = 0;                         // max |score| and max |u|, |v| of b
};
Difference difference(const CellOutput& a, const CellOutput& b, unsigned bits);

// Hilbert distance osc(scores - log P) of a head-1 score block to log P*, in mpfr at
// `bits` (the plan's entries are up to C_max/lambda); +Inf when a score is non-finite.
double distance_to(const std::vector<std::string>& scores, const std::vector<std::string>& log_plan, unsigned bits);

// max_k |readout_k - sorted_k| (+Inf when a readout is non-finite).
double readout_error(const CellOutput& c, const std::vector<double>& sorted);

inline constexpr std::size_t kMaxReferenceDoublings = 4;

// The ladder's change of a rung against the one below: the largest difference of the
// compared quantities relative to max(1, their scale at the upper rung).
double reference_change(const CellOutput& below, const CellOutput& above);

// The reference ladder with any computation of a rung (planted in the checks):
//   rung_0 = mpfr(p_max + 32), rung_{k+1} = 2 rung_k bits,
//   settled at rung k >= 1  <=>  reference_change(rung_{k-1}, rung_k) < 2^-(p_max + 8).
// Parameters
//   p_max   : unsigned -- the highest precision (bits) of the cells compared with it.
//   compute : ScalarSpec (mpfr at a rung's bits) -> CellOutput.
// Returns
//   Ladder<CellOutput> -- at most 1 + kMaxReferenceDoublings rungs; settled is false
//   when the last doubling still moved the quantities (the reference is then the top
//   rung, reported as not settled).
Ladder<CellOutput> climb_reference(unsigned p_max, const std::function<CellOutput(const ScalarSpec&)>& compute);

// climb_reference on breakdown_cell(rung, spec).
// Example
//   Ladder<CellOutput> r = breakdown_reference(spec, 53);  // from mpfr:85
//   r.settled;  // true once a doubling changed nothing beyond 2^-61
Ladder<CellOutput> breakdown_reference(const CellSpec& spec, unsigned p_max);

// The ladder as result lines record it: [{"bits", "change" (null at the first rung), "seconds"}].
nlohmann::json reference_ladder_json(const Ladder<CellOutput>& ladder);

}  // namespace otv::study
