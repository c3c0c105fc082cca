#pragma once
// The one place that maps CLI scalar names to C++ types.
#include "cli/options.hpp"
#include "otv/scalar_traits.hpp"

namespace otv::cli {

// Calls f.template operator()<Real>() with the type named by spec, inside a
// precision scope for the variable-precision types.
template <class F> decltype(auto) with_scalar(const ScalarSpec& spec, F&& f) {
  using K = ScalarSpec::Kind;
  switch (spec.kind) {
    case K::float_: return f.template operator()<float>();
    case K::double_: return f.template operator()<double>();
    case K::long_double: return f.template operator()<long double>();
    case K::float128: return f.template operator()<float128>();
    case K::bin_float_50: return f.template operator()<bin_float_50>();
    case K::bin_float_100: return f.template operator()<bin_float_100>();
    case K::mpfr: { PrecisionScope p(spec.bits); return f.template operator()<mpfr_real>(); }
    case K::mpfi: { PrecisionScope p(spec.bits); return f.template operator()<mpfi_real>(); }
  }
  throw InputError("unhandled scalar type");
}

}  // namespace otv::cli
