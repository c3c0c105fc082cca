#include "cli/number_text.hpp"

#include <fmt/format.h>
#include <mpfr.h>

#include <charconv>
#include <memory>

#include "cli/app_support.hpp"
#include "otv/error.hpp"

namespace otv::cli {

Digits parse_digits(const std::string& text) {
  if (text == "all") return {0};
  int d = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), d);
  if (text.empty() || text[0] == '0' || r.ec != std::errc() || r.ptr != text.data() + text.size() || d < 1 || d > kMaxDigits)
    throw InputError("--digits must be 'all' or an integer in [1, " + std::to_string(kMaxDigits) + "] (got " + excerpt(text) + ")");
  return {d};
}

namespace {

// A decimal string to `significant` digits in %g style, rounded in `mode`.
// MPFR parses it at more bits than it has digits need, so the one rounding
// that shows is the printing's.
std::string round_decimal(const std::string& decimal, int significant, mpfr_rnd_t mode) {
  const auto bits = static_cast<mpfr_prec_t>(4 * decimal.size() + 64);
  mpfr_t x;
  mpfr_init2(x, bits);
  const std::unique_ptr<__mpfr_struct, void (*)(mpfr_ptr)> guard(x, mpfr_clear);
  if (mpfr_set_str(x, decimal.c_str(), 10, mode) != 0) return decimal;  // not a decimal: shown as it is
  char* text = nullptr;
  const char format[] = {'%', '.', '*', 'R', mode == MPFR_RNDD ? 'D' : (mode == MPFR_RNDU ? 'U' : 'N'), 'g', '\0'};
  if (mpfr_asprintf(&text, format, significant, x) < 0) return decimal;
  std::string out(text);
  mpfr_free_str(text);
  return out;
}

}  // namespace

std::string number_text(const nlohmann::json& v, Digits digits) {
  if (digits.significant == 0 || !(v.is_number() || v.is_string())) return text_of(v);
  if (v.is_number_integer()) return v.dump();
  if (v.is_number()) return fmt::format("{:.{}g}", v.get<double>(), digits.significant);
  const std::string s = v.get<std::string>();
  if (s == "nan" || s == "inf" || s == "-inf") return s;
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') {
    const auto comma = s.find(", ");
    if (comma == std::string::npos) return s;
    return "[" + round_decimal(s.substr(1, comma - 1), digits.significant, MPFR_RNDD) + ", " +
           round_decimal(s.substr(comma + 2, s.size() - comma - 3), digits.significant, MPFR_RNDU) + "]";
  }
  return round_decimal(s, digits.significant, MPFR_RNDN);
}

}  // namespace otv::cli
