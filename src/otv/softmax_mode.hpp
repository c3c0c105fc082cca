#pragma once
// The row softmax's two evaluation modes (eq. 5): stable subtracts the row maximum
// before exp, naive exponentiates the scores as they are (otv/transformer.hpp).
#include <string>

#include "otv/error.hpp"

namespace otv {

enum class Softmax { stable, naive };

inline Softmax parse_softmax(const std::string& s) {
  if (s == "stable") return Softmax::stable;
  if (s == "naive") return Softmax::naive;
  throw InputError("unknown softmax mode " + excerpt(s) + " (expected stable or naive)");
}

}  // namespace otv
