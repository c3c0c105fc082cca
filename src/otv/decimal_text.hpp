#pragma once
// Decisions on decimal text shared by the parsers of every scalar type, the option
// parser and the model-file format, made on the text so that they hold in every type.
#include <string>
#include <string_view>

#include "otv/error.hpp"

namespace otv {

// Strict decimal syntax: optional sign, digits with optional fraction, optional
// exponent. Rejects "nan", "inf", hex floats, empty strings and trailing junk.
// A scanner, not std::regex: libstdc++'s regex recurses per character and
// overflowed the stack on a 100000-digit number (regression input in
// fuzz/corpus/inline_points).
inline bool is_decimal(std::string_view s) {
  std::size_t i = 0;
  auto sign = [&] { if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i; };
  auto digits = [&] {
    const std::size_t begin = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - begin;
  };
  sign();
  std::size_t mantissa_digits = digits();
  if (i < s.size() && s[i] == '.') { ++i; mantissa_digits += digits(); }
  if (mantissa_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    sign();
    if (digits() == 0) return false;
  }
  return i == s.size();
}

inline void require_decimal(const std::string& s) {
  if (!is_decimal(s)) throw InputError("malformed number " + excerpt(s));
}

// A decimal (is_decimal) that is > 0: no minus sign and a nonzero digit in the mantissa.
inline bool is_positive_decimal(const std::string& s) {
  if (!is_decimal(s) || s[0] == '-') return false;
  return s.find_first_of("123456789") < (s.find_first_of("eE") == std::string::npos ? s.size() : s.find_first_of("eE"));
}

}  // namespace otv
