#pragma once
// The construction's variants by name (docs/construction.md); the weights are in
// otv/construction.hpp.
#include <string>

#include "otv/error.hpp"

namespace otv {

// paper:     eq. (8) repaired, the paper's column order.
// notebook:  the authors' released code, their column order.
// corrected: paper + a prompt column sqrt(2 log n) on the sink row, so the sink's
//            u, v stay at their fixed point 0 (docs/construction.md, repair R4).
// relu-reset: paper + a ReLU feed-forward that resets the sink's u, v to 0 after
//            every layer, exact while every data-row iterate is >= -kReluResetBound (R5).
enum class Variant { paper, notebook, corrected, relu_reset };

// K of the relu-reset variant: a power of two, exact in every scalar type.
inline constexpr double kReluResetBound = 1048576.0;  // 2^20

inline Variant parse_variant(const std::string& s) {
  if (s == "paper") return Variant::paper;
  if (s == "notebook") return Variant::notebook;
  if (s == "corrected") return Variant::corrected;
  if (s == "relu-reset") return Variant::relu_reset;
  throw InputError("unknown variant " + excerpt(s) + " (expected paper, notebook, corrected or relu-reset)");
}
inline std::string to_string(Variant v) {
  switch (v) {
    case Variant::paper: return "paper";
    case Variant::notebook: return "notebook";
    case Variant::corrected: return "corrected";
    case Variant::relu_reset: return "relu-reset";
  }
  return "?";
}

}  // namespace otv
