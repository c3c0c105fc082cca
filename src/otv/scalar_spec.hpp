#pragma once
// Scalar types by name (float, double, long-double, float128, cpp_bin_float_50,
// cpp_bin_float_100, mpfr:BITS, mpfi:BITS): one table of what belongs to the name
// (the spelling, the bytes a number occupies, its cost, whether it is an interval)
// and the parsing read from it, without the types themselves, for code that only
// passes a choice on. The registry (otv/scalar_registry.hpp) maps a ScalarSpec to
// its C++ type; docs/scalar-types.md, "Adding a scalar type", lists the steps.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

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
// mpfr_t header (32 bytes) + limbs + the allocator's 16-byte header.
constexpr std::uint64_t mpfr_bytes(unsigned bits) { return 32 + 8 * ((bits + 63) / 64) + 16; }
// MPFR's cost grows about linearly in the bits above 128.
constexpr double mpfr_cost(unsigned bits) { return std::max(1.0, bits / 128.0); }
}  // namespace detail

// One row per kind. `bytes` is what one number occupies (with the heap limbs of
// mpfr and both ends of mpfi); `cost` its seconds per cell per layer per n^2
// relative to double, for ordering work, from the default breakdown sweep
// (n = 64): float 0.8, long double 5.8, float128 62, mpfr:128 82, the mpfr
// reference ladder (160 and 320 bits) 240. Both are functions of the bits, which
// the fixed-precision kinds ignore.
struct ScalarKindInfo {
  ScalarSpec::Kind kind;
  std::string_view name;  // the whole name, or with `bits` the prefix before the bits ("mpfr:")
  bool bits;              // the name carries a precision in bits: mpfr:256
  bool interval;          // values are enclosures (no single value, no threshold)
  std::uint64_t (*bytes)(unsigned bits);
  double (*cost)(unsigned bits);
};

inline constexpr ScalarKindInfo kScalarKinds[] = {
    {ScalarSpec::Kind::float_, "float", false, false, [](unsigned) -> std::uint64_t { return 4; }, [](unsigned) { return 1.0; }},
    {ScalarSpec::Kind::double_, "double", false, false, [](unsigned) -> std::uint64_t { return 8; }, [](unsigned) { return 1.0; }},
    {ScalarSpec::Kind::long_double, "long-double", false, false, [](unsigned) -> std::uint64_t { return 16; }, [](unsigned) { return 6.0; }},
    {ScalarSpec::Kind::float128, "float128", false, false, [](unsigned) -> std::uint64_t { return 16; }, [](unsigned) { return 60.0; }},
    {ScalarSpec::Kind::bin_float_50, "cpp_bin_float_50", false, false, [](unsigned) -> std::uint64_t { return 40; }, [](unsigned) { return 100.0; }},
    {ScalarSpec::Kind::bin_float_100, "cpp_bin_float_100", false, false, [](unsigned) -> std::uint64_t { return 64; }, [](unsigned) { return 200.0; }},
    {ScalarSpec::Kind::mpfr, "mpfr:", true, false, detail::mpfr_bytes, [](unsigned b) { return 80 * detail::mpfr_cost(b); }},
    {ScalarSpec::Kind::mpfi, "mpfi:", true, true, [](unsigned b) { return 2 * detail::mpfr_bytes(b); }, [](unsigned b) { return 160 * detail::mpfr_cost(b); }},
};

// The table lists the kinds in the enum's order, so a kind indexes its row.
constexpr bool scalar_table_in_kind_order() {
  for (std::size_t i = 0; i < std::size(kScalarKinds); ++i)
    if (static_cast<std::size_t>(kScalarKinds[i].kind) != i) return false;
  return std::size(kScalarKinds) == static_cast<std::size_t>(ScalarSpec::Kind::mpfi) + 1;
}
static_assert(scalar_table_in_kind_order(), "kScalarKinds needs one row per ScalarSpec::Kind, in the enum's order");

inline constexpr const ScalarKindInfo& scalar_info(ScalarSpec::Kind kind) { return kScalarKinds[static_cast<std::size_t>(kind)]; }

// Bytes one number of the type occupies.
inline std::uint64_t scalar_bytes(const ScalarSpec& spec) { return scalar_info(spec.kind).bytes(spec.bits); }

// The type's cost relative to double (see ScalarKindInfo).
inline double relative_cost(const ScalarSpec& spec) { return scalar_info(spec.kind).cost(spec.bits); }

// The names a user can give, in the table's order: "float, double, ..., mpfr:BITS,
// mpfi:BITS"; without the interval types when `intervals` is false.
inline std::string scalar_names_text(bool intervals = true) {
  std::string text;
  for (const auto& k : kScalarKinds) {
    if (k.interval && !intervals) continue;
    if (!text.empty()) text += ", ";
    text += k.name;
    if (k.bits) text += "BITS";
  }
  return text;
}

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
  for (const auto& k : kScalarKinds) {
    if (!k.bits && name == k.name) return {k.kind};
    if (k.bits && name.starts_with(k.name)) return {k.kind, detail::parse_bits(name, name.substr(k.name.size()))};
  }
  throw InputError("unknown scalar type '" + name + "' (expected " + scalar_names_text() + ")");
}

}  // namespace otv
