#pragma once
// The safe-lambda advice: the smallest lambda a scalar type handles within a
// tolerance, from the rounding law lambda*_T = c u_T S / tol (docs/error-model.md
// E7: slope 1 in u, fitted over 70 decades), with c measured on a cheap type at
// the same n and instance, and a margin for c's spread across types.
#include <string>

namespace otv::study {

struct SafeLambdaAdvice {
  double predicted_threshold = 0;  // c u S / tol
  double advised_lambda = 0;       // margin x predicted_threshold
};

// margin 2: at one n, c varies across the default types by at most a factor 1.65 (E7).
SafeLambdaAdvice advise_safe_lambda(double c, double unit_roundoff, double squared_norm_max, double tolerance, double margin = 2);

// The advice is confirmed when the type passes at the advised lambda and fails at a tenth
// of it (the law is then right to within the factor 10 between them); the one-line reason.
bool advice_confirmed(bool passes_at_advised, bool fails_at_tenth);
std::string advice_reason(bool passes_at_advised, bool fails_at_tenth);

}  // namespace otv::study
