#include "study/safe_lambda.hpp"

namespace otv::study {

SafeLambdaAdvice advise_safe_lambda(double c, double unit_roundoff, double squared_norm_max, double tolerance, double margin) {
  const double predicted = c * unit_roundoff * squared_norm_max / tolerance;
  return {predicted, margin * predicted};
}

bool advice_confirmed(bool passes_at_advised, bool fails_at_tenth) { return passes_at_advised && fails_at_tenth; }

std::string advice_reason(bool passes_at_advised, bool fails_at_tenth) {
  if (advice_confirmed(passes_at_advised, fails_at_tenth))
    return "confirmed: within the tolerance at the advised lambda, beyond it at a tenth (rounding of the S/lambda-sized score terms, E7)";
  if (!passes_at_advised) return "not confirmed: the type already fails at the advised lambda (the law's constant is larger for this type or instance)";
  return "not confirmed: the type still passes at a tenth of the advised lambda (the advice is conservative by more than 10x here)";
}

}  // namespace otv::study
