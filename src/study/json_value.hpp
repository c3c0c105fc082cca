#pragma once
// JSON encoding of scalars: float and double as JSON numbers, every other type
// as a decimal string with enough digits to round-trip (intervals as "[lo, hi]").
// Non-finite values, which JSON numbers cannot hold, are spelled "nan", "inf",
// "-inf" in every type and every output, JSON and text (docs/cli.md), as
// study/json_number.hpp spells a double; null means "none" (no failing layer, no
// bound), never a number.
#include <nlohmann/json.hpp>

#include "otv/matrix.hpp"
#include "otv/scalar_traits.hpp"
#include "study/json_number.hpp"

namespace otv::study {

template <class Real> nlohmann::json json_value(const Real& x) {
  using T = ScalarTraits<Real>;
  if constexpr (!T::is_interval) {
    if (!T::is_finite(x)) return nonfinite_name(T::to_double(x));
  }
  if constexpr (T::json_number) return static_cast<double>(x);
  else return T::to_string(x);
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
