#pragma once
// Scalar types by name (float, double, long-double, float128, cpp_bin_float_50,
// cpp_bin_float_100, mpfr:BITS, mpfi:BITS): the names and their parsing, without
// the types themselves, for code that only passes a choice on. The registry
// (otv/scalar_registry.hpp) maps a ScalarSpec to its C++ type.
#include <charconv>
#include <string>
#include <utility>

#include "otv/error.hpp"

namespace otv {

// A scalar type by name: its kind and, for mpfr / mpfi, the precision in bits.
struct ScalarSpec {
  enum class Kind { float_, double_, long_double, float128, bin_float_50, bin_float_100, mpfr, mpfi } kind;
  unsigned bits = 0;  // mpfr / mpfi only
};

inline constexpr unsigned kMinBits = 2;
inline constexpr unsigned kMaxBits = 1000000;

namespace detail {
inline unsigned parse_bits(const std::string& name, const std::string& digits) {
  unsigned long long bits = 0;
  const auto* end = digits.data() + digits.size();
  const auto r = std::from_chars(digits.data(), end, bits);
  if (digits.empty() || r.ec != std::errc() || r.ptr != end)
    throw InputError("malformed precision in scalar " + excerpt(name) + " (expected e.g. mpfr:256)");
  if (bits < kMinBits || bits > kMaxBits)
    throw InputError("precision " + digits + " bits in " + excerpt(name) + " is outside [" + std::to_string(kMinBits) + ", " + std::to_string(kMaxBits) + "]");
  return static_cast<unsigned>(bits);
}
}  // namespace detail

// Throws InputError for an unknown name or a precision outside [kMinBits, kMaxBits].
inline ScalarSpec parse_scalar(const std::string& name) {
  using K = ScalarSpec::Kind;
  if (name == "float") return {K::float_};
  if (name == "double") return {K::double_};
  if (name == "long-double") return {K::long_double};
  if (name == "float128") return {K::float128};
  if (name == "cpp_bin_float_50") return {K::bin_float_50};
  if (name == "cpp_bin_float_100") return {K::bin_float_100};
  for (auto [prefix, kind] : {std::pair{"mpfr:", K::mpfr}, std::pair{"mpfi:", K::mpfi}})
    if (name.rfind(prefix, 0) == 0) return {kind, detail::parse_bits(name, name.substr(5))};
  throw InputError("unknown scalar type '" + name +
                   "' (expected float, double, long-double, float128, cpp_bin_float_50, cpp_bin_float_100, mpfr:BITS, mpfi:BITS)");
}

}  // namespace otv
