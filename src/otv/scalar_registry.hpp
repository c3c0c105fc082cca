#pragma once
// The one place that maps scalar names to C++ types: a name parses to a ScalarSpec
// (otv/scalar_spec.hpp), and with_scalar calls code with the type it names; every
// front end (the CLI, the Python module) parses and dispatches through it.
#include "otv/error.hpp"
#include "otv/scalar_spec.hpp"
#include "otv/scalar_traits.hpp"

namespace otv {

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

}  // namespace otv
