#pragma once
// JSON encoding of scalars: float and double as JSON numbers, every other type
// as a decimal string with enough digits to round-trip (intervals as "[lo, hi]").
// Non-finite values, which JSON numbers cannot hold, are spelled "nan", "inf",
// "-inf" in every type and every output, JSON and text (docs/cli.md); null
// means "none" (no failing layer, no bound), never a number.
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

#include "otv/matrix.hpp"
#include "otv/scalar_traits.hpp"

namespace otv::study {

// The spelling of a non-finite double; the sign of a NaN is not shown (no "-nan").
inline const char* nonfinite_name(double x) { return std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf"); }

// A double as JSON: a number, or its non-finite spelling.
inline nlohmann::json json_number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nonfinite_name(x)); }

template <class Real> nlohmann::json json_value(const Real& x) {
  using T = ScalarTraits<Real>;
  if constexpr (!T::is_interval) {
    if (!T::is_finite(x)) return nonfinite_name(T::to_double(x));
  }
  if constexpr (T::json_number) return static_cast<double>(x);
  else return T::to_string(x);
}

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

template <class Real> nlohmann::json json_vector(const Vector<Real>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(json_value(v(i)));
  return a;
}

// Rows of a matrix; a one-column matrix becomes a flat list.
template <class Real> nlohmann::json json_matrix(const Matrix<Real>& m) {
  nlohmann::json a = nlohmann::json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    if (m.cols() == 1) { a.push_back(json_value(m(i, 0))); continue; }
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index j = 0; j < m.cols(); ++j) row.push_back(json_value(m(i, j)));
    a.push_back(row);
  }
  return a;
}

}  // namespace otv::study
