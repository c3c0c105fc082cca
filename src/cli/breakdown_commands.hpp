#pragma once
// One breakdown cell in one scalar type: the trace of otv::trace_breakdown with
// every number as a round-trip decimal string, so that the comparison with the
// reference can run at the reference's precision.
#include <optional>
#include <string>
#include <vector>

#include "otv/construction.hpp"
#include "otv/instance.hpp"
#include "otv/transformer.hpp"

namespace otv::cli {

struct CellSpec {
  InstanceText instance;
  std::string lambda, gamma;
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

template <class Real> struct BreakdownCommands {
  static CellOutput cell(const CellSpec& spec);
  static DepthOutput depth(const DepthSpec& spec);
};

}  // namespace otv::cli
