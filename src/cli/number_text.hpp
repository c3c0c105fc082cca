#pragma once
// Numbers in otverify's text output: inputs are echoed as given, results shown
// to a readable number of significant digits, or every digit on request
// (--digits all); JSON always keeps every digit (docs/cli.md, "Numbers").
#include <nlohmann/json.hpp>

#include <string>

namespace otv::cli {

// Significant digits of results in text; 0 means every digit the JSON holds.
struct Digits {
  int significant = 6;
};
inline constexpr int kMaxDigits = 1000;

// "all" or an integer in [1, kMaxDigits]; anything else is bad input.
Digits parse_digits(const std::string& text);

// A number as json_value writes it (a JSON number, a decimal string, an
// interval "[lo, hi]", "nan", "inf", "-inf") to `digits` significant digits:
// rounded to nearest, an interval's endpoints rounded outward so that it still
// encloses the value.
std::string number_text(const nlohmann::json& v, Digits digits);

}  // namespace otv::cli
