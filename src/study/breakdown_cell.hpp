#pragma once
// One breakdown cell in one scalar type: the trace of otv::trace_breakdown with
// every number as a round-trip decimal string, so that the comparison with the
// reference can run at the reference's precision; and the depth exact arithmetic
// needs to come within a tolerance of log P_lambda* (otv/depth_needed.hpp, E9).
#include <optional>
#include <string>
#include <vector>

#include "otv/construction_variant.hpp"
#include "otv/instance_text.hpp"
#include "otv/scalar_spec.hpp"
#include "otv/softmax_mode.hpp"

namespace otv::study {

struct CellSpec {
  InstanceText instance;
  std::string lambda, gamma;  // decimals
  long long layers = 0;
  Variant variant = Variant::paper;
  Softmax softmax = Softmax::stable;
};

struct CellOutput {
  std::string scalar;
  unsigned bits = 0;
  double unit_roundoff = 0;
  std::vector<std::string> first_scores, final_scores;  // n x n, row-major
  std::vector<std::string> u, v, readout;               // n each (readout: d = 1 only, else first coordinate)
  long long nan_entries = 0, inf_entries = 0, first_nonfinite_layer = -1, underflowed_rows = 0;
  double min_exp_argument = 0, max_exp_argument = 0;
  double log_max_finite = 0, log_min_normal = 0;  // ln of the type's largest finite and smallest normal value
  bool exceptions_recorded = false, overflow = false, underflow = false, invalid = false, divide_by_zero = false;
  double seconds = 0;
};

// Depth needed (otv/depth_needed.hpp) against log P_lambda* (n x n row-major decimals).
struct DepthSpec {
  CellSpec cell;  // its layers unused
  std::vector<std::string> log_plan;
  double tolerance = 0;
  long long cap = 0;
};
struct DepthOutput {
  long long layers = -1;  // -1: not within the tolerance in cap layers
  double distance = 0;    // at `layers`, or at the cap
  unsigned bits = 0;
  double seconds = 0;
  // Theorem 2's r and log10 of its precondition 64 n^3 e^{3r/lambda} r (nullopt: stopped before layer 1).
  std::optional<double> theorem2_r, theorem2_log10_min_layers;
};

// Runs the construction for spec.layers layers in `scalar` and records its head-1
// scores at layers 1 and L, the sink-free u, v columns, the readout, and what marks
// a breakdown: non-finite entries (and the first layer with one), data rows whose
// softmax underflowed to all zeros, the range of exp's arguments against ln of the
// type's largest finite and smallest normal value, and the IEEE flags (native types).
//
// Parameters
//   scalar : ScalarSpec -- the type (mpfr at its bits).
//   spec   : CellSpec -- instance, lambda > 0 and gamma > 0 as decimals, layers,
//            variant, softmax.
// Returns
//   CellOutput -- every number a round-trip decimal of the type.
// Throws
//   InputError when lambda or gamma is not positive once parsed in the type.
// Example
//   CellSpec s{paper_instance(4, 1), "0.1", "0.2", 30};
//   breakdown_cell({ScalarSpec::Kind::float_}, s).final_scores.size();  // 16
CellOutput breakdown_cell(const ScalarSpec& scalar, const CellSpec& spec);

// The first layer L <= spec.cap at which the head-1 scores on Z^(L), in `scalar`,
// are within spec.tolerance of spec.log_plan in the Hilbert metric,
//   osc(S^(L) - log P_lambda*) <= tolerance,
// with Theorem 2's r and precondition at that instance.
// Parameters
//   scalar : ScalarSpec -- mpfr at enough bits that rounding is negligible (E9).
//   spec   : DepthSpec -- the cell, log P_lambda* (n x n), tolerance, cap.
// Returns
//   DepthOutput -- layers (-1: not within the tolerance in cap layers), distance.
DepthOutput depth_needed(const ScalarSpec& scalar, const DepthSpec& spec);

// The two studies in one scalar type (study/breakdown_cell_impl.hpp), instantiated once
// per type in its own translation unit; call them inside the type's precision scope.
template <class Real> struct BreakdownCell {
  static CellOutput cell(const CellSpec& spec);
  static DepthOutput depth(const DepthSpec& spec);
};

}  // namespace otv::study
