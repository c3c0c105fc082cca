#pragma once
// Problem instances as text: points x_1..x_n, y_1..y_n in R^d (Sec. 2.1), kept as
// decimals so every scalar type parses the same exact numbers; their checks, text
// sources and seeded generators. No scalar type is needed here (otv/instance.hpp
// turns the text into one).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <istream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "otv/decimal_text.hpp"
#include "otv/error.hpp"

namespace otv {

using PointsText = std::vector<std::vector<std::string>>;  // n rows of d decimals

struct InstanceText {
  PointsText x, y;
  std::size_t n() const { return x.size(); }
  std::size_t d() const { return x.empty() ? 0 : x.front().size(); }
};

// Largest n and d accepted: beyond them an n x n plan does not fit in memory
// of any reasonable machine, and the CLI refuses instead of thrashing.
inline constexpr std::size_t kMaxPoints = 100000;
inline constexpr std::size_t kMaxDimension = 1000;

inline void validate(const InstanceText& inst) {
  if (inst.x.empty()) throw InputError("n = 0: the instance needs at least one point");
  if (inst.x.size() != inst.y.size())
    throw InputError("x has " + std::to_string(inst.x.size()) + " points but y has " + std::to_string(inst.y.size()));
  if (inst.x.size() > kMaxPoints) throw InputError("n = " + std::to_string(inst.x.size()) + " exceeds the limit " + std::to_string(kMaxPoints));
  const std::size_t d = inst.d();
  if (d == 0) throw InputError("points have dimension 0");
  if (d > kMaxDimension) throw InputError("dimension " + std::to_string(d) + " exceeds the limit " + std::to_string(kMaxDimension));
  for (const auto* pts : {&inst.x, &inst.y})
    for (std::size_t i = 0; i < pts->size(); ++i) {
      if ((*pts)[i].size() != d)
        throw InputError("point " + std::to_string(i + 1) + " has dimension " + std::to_string((*pts)[i].size()) + ", expected " + std::to_string(d));
      for (const auto& s : (*pts)[i]) require_decimal(s);
    }
}

// ---- text sources ----------------------------------------------------------

inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

inline std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// Inline list: "0.5,0.75" gives d = 1 points; "0.5 1;0.75 2" gives d = 2
// points separated by ';' with coordinates separated by spaces.
inline PointsText parse_inline_points(const std::string& text, const std::string& what) {
  PointsText pts;
  const bool multi = text.find(';') != std::string::npos;
  for (const auto& item : split(text, multi ? ';' : ',')) {
    std::vector<std::string> coords;
    if (multi) {
      std::istringstream in(item);
      for (std::string c; in >> c;) coords.push_back(c);
    } else {
      coords.push_back(trim(item));
    }
    for (const auto& c : coords)
      if (!is_decimal(c)) throw InputError("malformed number " + excerpt(c) + " in " + what);
    if (coords.empty()) throw InputError("empty entry in " + what);
    pts.push_back(coords);
  }
  return pts;
}

// CSV text: one point per row, coordinates separated by commas; blank lines and
// lines starting with '#' are skipped. `source` names the text in errors. The
// n and d limits are checked while reading, so a huge file fails at its first
// row beyond them.
inline PointsText parse_points_csv(std::istream& in, const std::string& source) {
  PointsText pts;
  std::string line;
  std::size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    const std::string where = source + ":" + std::to_string(lineno) + ": ";
    if (pts.size() == kMaxPoints) throw InputError(where + "more than " + std::to_string(kMaxPoints) + " points (the limit)");
    std::vector<std::string> coords;
    for (const auto& c : split(t, ',')) {
      const std::string v = trim(c);
      if (!is_decimal(v)) throw InputError(where + "malformed number " + excerpt(v));
      if (coords.size() == kMaxDimension) throw InputError(where + "more than " + std::to_string(kMaxDimension) + " coordinates (the limit)");
      coords.push_back(v);
    }
    pts.push_back(coords);
  }
  if (in.bad()) throw InputError("error reading " + excerpt(source));
  return pts;
}

// ---- seeded generators -----------------------------------------------------
// Generators produce decimal text, so the instance is identical in every type.

// Sec. 6: x a random permutation of {1/n, ..., n/n}, y_i = i/n (d = 1). The
// values are written as exact fractions' decimals to 40 digits.
inline std::string fraction_decimal(long long num, long long den) {
  // Long division to 40 digits: exact for the printed digits.
  std::string s = std::to_string(num / den) + ".";
  long long r = num % den;
  for (int k = 0; k < 40; ++k) { r *= 10; s += char('0' + r / den); r %= den; }
  return s;
}

inline InstanceText paper_instance(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<long long> perm(n);
  for (std::size_t i = 0; i < n; ++i) perm[i] = static_cast<long long>(i + 1);
  for (std::size_t i = n; i > 1; --i) std::swap(perm[i - 1], perm[rng() % i]);
  InstanceText inst;
  for (std::size_t i = 0; i < n; ++i) {
    inst.x.push_back({fraction_decimal(perm[i], static_cast<long long>(n))});
    inst.y.push_back({fraction_decimal(static_cast<long long>(i + 1), static_cast<long long>(n))});
  }
  return inst;
}

// Uniform in [0,1)^d on a grid of 10^-9 (exact decimals).
inline InstanceText uniform_instance(std::size_t n, std::size_t d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto draw = [&] { char b[32]; std::snprintf(b, sizeof b, "0.%09llu", static_cast<unsigned long long>(rng() % 1000000000ULL)); return std::string(b); };
  InstanceText inst;
  for (auto* pts : {&inst.x, &inst.y})
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<std::string> p;
      for (std::size_t k = 0; k < d; ++k) p.push_back(draw());
      pts->push_back(p);
    }
  return inst;
}

// Two Gaussian clouds: x ~ N(0, s^2 I), y ~ N(1, s^2 I) with s = 0.25, values
// rounded to 12 decimals.
inline InstanceText gaussian_instance(std::size_t n, std::size_t d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto normal = [&] {
    // Box-Muller from 53-bit uniforms: std::normal_distribution is not
    // specified bit-for-bit across library versions.
    const double u1 = (static_cast<double>(rng() >> 11) + 1.0) * 0x1.0p-53;
    const double u2 = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  };
  InstanceText inst;
  for (int cloud = 0; cloud < 2; ++cloud)
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<std::string> p;
      for (std::size_t k = 0; k < d; ++k) {
        char b[40];
        std::snprintf(b, sizeof b, "%.12f", cloud + 0.25 * normal());
        p.push_back(b);
      }
      (cloud == 0 ? inst.x : inst.y).push_back(p);
    }
  return inst;
}

}  // namespace otv
