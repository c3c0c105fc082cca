#pragma once
// The vector unit the hot kernels run on, chosen at run time so that one binary
// runs on any x86-64: AVX-512F, AVX2 or the SSE2 baseline. OTV_ISA=baseline|avx2|avx512
// caps the choice (an ISA the CPU lacks is refused), e.g. to test the fallback
// on a machine that has AVX-512.
#include <cstdlib>
#include <string>
#include <type_traits>

#include "otv/error.hpp"

namespace otv {

enum class Isa { baseline, avx2, avx512 };

inline const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx512: return "avx512";
    case Isa::avx2: return "avx2";
    case Isa::baseline: break;
  }
  return "baseline";
}

// The widest ISA this CPU supports.
inline Isa detected_isa() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return Isa::avx512;
  if (__builtin_cpu_supports("avx2")) return Isa::avx2;
#endif
  return Isa::baseline;
}

inline bool isa_supported(Isa isa) { return static_cast<int>(isa) <= static_cast<int>(detected_isa()); }

// The detected ISA, or the one OTV_ISA names; throws InputError for an unknown
// name or an ISA the CPU does not have.
inline Isa isa_from_environment() {
  const char* env = std::getenv("OTV_ISA");
  if (env == nullptr || *env == '\0') return detected_isa();
  const std::string s = env;
  for (Isa isa : {Isa::baseline, Isa::avx2, Isa::avx512})
    if (s == isa_name(isa)) {
      if (!isa_supported(isa)) throw InputError("OTV_ISA=" + s + ": this CPU lacks it (widest available: " + isa_name(detected_isa()) + ")");
      return isa;
    }
  throw InputError("OTV_ISA='" + s + "' is not baseline, avx2 or avx512");
}

// The ISA the kernels use, fixed at the first call for the whole process.
inline Isa active_isa() {
  static const Isa isa = isa_from_environment();
  return isa;
}

// Types whose hot loops are compiled once per ISA (run_on_vector_unit).
template <class Real> struct VectorUnitKernels : std::false_type {};
template <> struct VectorUnitKernels<float> : std::true_type {};
template <> struct VectorUnitKernels<double> : std::true_type {};

namespace isa_detail {
// `flatten` inlines f and every call inside it into a function compiled for the
// ISA, so the loops of the products and the softmax vectorise for it. The
// results are the same bits on each: the same IEEE operations in the same order,
// and no contraction into FMA (the build passes -ffp-contract=off).
template <class F> [[gnu::target("avx512f"), gnu::flatten]] void run_avx512(const F& f) { f(); }
template <class F> [[gnu::target("avx2"), gnu::flatten]] void run_avx2(const F& f) { f(); }
}  // namespace isa_detail

// Runs f with its kernels compiled for the active ISA (for float and double).
template <class Real, class F> void run_on_vector_unit(const F& f) {
  if constexpr (VectorUnitKernels<Real>::value) {
    switch (active_isa()) {
      case Isa::avx512: return isa_detail::run_avx512(f);
      case Isa::avx2: return isa_detail::run_avx2(f);
      case Isa::baseline: break;
    }
  }
  f();
}

}  // namespace otv
