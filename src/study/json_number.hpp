#pragma once
// A double in otverify's JSON: a JSON number, or, for the non-finite values JSON
// numbers cannot hold, "nan", "inf", "-inf" (docs/cli.md); null means "none" (no
// failing layer, no bound), never a number. Free of the scalar types, for the
// readers and writers of results that hold doubles only (study/json_value.hpp
// encodes every scalar type the same way).
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

namespace otv::study {

// The spelling of a non-finite double; the sign of a NaN is not shown (no "-nan").
inline const char* nonfinite_name(double x) { return std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf"); }

// A double as JSON: a number, or its non-finite spelling.
inline nlohmann::json json_number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nonfinite_name(x)); }

// j with every non-finite number spelled out (nlohmann would write null), for
// the writers of JSON built from doubles; applied once where a document is written.
inline nlohmann::json with_nonfinite_names(nlohmann::json j) {
  if (j.is_number_float()) return json_number(j.get<double>());
  if (j.is_structured())
    for (auto& v : j) v = with_nonfinite_names(std::move(v));
  return j;
}

// A number as otverify writes it, read back: a JSON number or "nan", "inf", "-inf".
inline bool is_json_number(const nlohmann::json& v) {
  return v.is_number() || (v.is_string() && (v == "nan" || v == "inf" || v == "-inf"));
}
inline double number_of(const nlohmann::json& v) {
  if (v.is_string() && is_json_number(v)) {
    const std::string s = v.get<std::string>();
    return s == "nan" ? std::nan("") : (s == "inf" ? HUGE_VAL : -HUGE_VAL);
  }
  return v.get<double>();  // a type error for anything else
}

}  // namespace otv::study
