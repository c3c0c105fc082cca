#pragma once
// In-place scalar kernels for the hot loops: for Boost number types they call the
// backend operations on existing storage, because every multiprecision temporary
// (a * b, exp(a - b)) allocates and frees limbs, which dominates MPFR/MPFI time.
// Each kernel rounds exactly as the operator expression it replaces (a product
// then a sum, never a fused multiply-add), so results are unchanged.
#include <type_traits>

#include "otv/scalar_traits.hpp"

namespace otv {

template <class T> struct is_boost_number : std::false_type {};
template <class Backend, bmp::expression_template_option ET>
struct is_boost_number<bmp::number<Backend, ET>> : std::true_type {};
template <class T> inline constexpr bool is_boost_number_v = is_boost_number<T>::value;

// acc += a * b; `scratch` holds the rounded product.
template <class Real> inline void add_product(Real& acc, const Real& a, const Real& b, Real& scratch) {
  if constexpr (is_boost_number_v<Real>) {
    using bmp::default_ops::eval_add;
    using bmp::default_ops::eval_multiply;
    eval_multiply(scratch.backend(), a.backend(), b.backend());
    eval_add(acc.backend(), scratch.backend());
  } else {
    (void)scratch;
    acc += a * b;
  }
}

// Predicates that allocate nothing (ScalarTraits<mpfi_real> copies endpoints).
template <class Real> inline bool is_exact_zero(const Real& x) {
  if constexpr (std::is_same_v<Real, mpfi_real>) {
    const auto* p = x.backend().data();
    return mpfr_zero_p(&p->left) && mpfr_zero_p(&p->right);
  } else {
    return ScalarTraits<Real>::is_zero(x);
  }
}
template <class Real> inline bool is_finite_value(const Real& x) {
  if constexpr (std::is_same_v<Real, mpfi_real>) return mpfi_bounded_p(x.backend().data()) != 0;
  else return ScalarTraits<Real>::is_finite(x);
}

}  // namespace otv
