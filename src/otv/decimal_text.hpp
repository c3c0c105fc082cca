#pragma once
// Decisions on decimal text shared by the option parser and the model-file format,
// made on the text so that they hold in every scalar type.
#include <string>

#include "otv/scalar_traits.hpp"

namespace otv {

// A decimal (is_decimal) that is > 0: no minus sign and a nonzero digit in the mantissa.
inline bool is_positive_decimal(const std::string& s) {
  if (!is_decimal(s) || s[0] == '-') return false;
  return s.find_first_of("123456789") < (s.find_first_of("eE") == std::string::npos ? s.size() : s.find_first_of("eE"));
}

}  // namespace otv
