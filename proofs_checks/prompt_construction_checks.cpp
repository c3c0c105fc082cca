// Checks of the prompt of eq. (6), the repairs R1-R3 of eq. (8), and the
// generic forward pass of eq. (7) against a hand computation.
#include "check_helpers.hpp"

using namespace otv;
using namespace otv::test;

namespace {

// Every named column of a map, in name order (x_1..x_d, y_1..y_d, x2, y2, ...).
std::vector<int> named_columns(const ColumnMap& c) {
  std::vector<int> cols(c.x.begin(), c.x.end());
  cols.insert(cols.end(), c.y.begin(), c.y.end());
  for (int k : {c.x2, c.y2, c.one_a, c.one_b, c.one_c, c.s, c.u, c.v, c.out}) cols.push_back(k);
  if (c.log_n2 >= 0) cols.push_back(c.log_n2);
  return cols;
}

// perm[paper column] = notebook column of the same name.
std::vector<int> paper_to_notebook(int d) {
  const auto p = named_columns(ColumnMap::make(Layout::paper, d));
  const auto q = named_columns(ColumnMap::make(Layout::notebook, d));
  std::vector<int> perm(p.size(), -1);
  for (std::size_t k = 0; k < p.size(); ++k) perm[static_cast<std::size_t>(p[k])] = q[k];
  return perm;
}

bool is_bijection(const std::vector<int>& cols, int width) {
  std::vector<int> s = cols;
  std::sort(s.begin(), s.end());
  if (static_cast<int>(s.size()) != width) return false;
  for (int k = 0; k < width; ++k)
    if (s[static_cast<std::size_t>(k)] != k) return false;
  return true;
}

InstanceText prompt_instance(int d) { return d == 1 ? paper_instance(5, 11) : uniform_instance(5, static_cast<std::size_t>(d), 100 + d); }

}  // namespace

// ---- 1. the prompt ----------------------------------------------------------------

TEST_CASE("The prompt has n+1 rows, 2d+9 columns, the data rows of eq. (6) and a sink row that is zero except s = -1/n",
          "[prompt]") {
  const double u = ScalarTraits<double>::unit_roundoff();
  for (int d : {1, 2, 3})
    for (Layout layout : {Layout::paper, Layout::notebook}) {
      CAPTURE(d, layout == Layout::paper ? "paper" : "notebook");
      const ColumnMap c = ColumnMap::make(layout, d);
      REQUIRE(c.width == 2 * d + 9);
      REQUIRE(is_bijection(named_columns(c), c.width));  // every column has exactly one name
      const Instance<double> inst = to_real<double>(prompt_instance(d));
      const Eigen::Index n = inst.n();
      const Matrix<double> Z = make_prompt<double>(inst, c);
      REQUIRE(Z.rows() == n + 1);
      REQUIRE(Z.cols() == 2 * d + 9);
      for (Eigen::Index i = 0; i < n; ++i) {
        CAPTURE(i);
        double nx = 0, ny = 0;
        for (int k = 0; k < d; ++k) {
          CHECK(Z(i, c.x[k]) == inst.x(i, k));
          CHECK(Z(i, c.y[k]) == inst.y(i, k));
          nx += inst.x(i, k) * inst.x(i, k);
          ny += inst.y(i, k) * inst.y(i, k);
        }
        // Two independent d-term sums of squares differ by at most 2 d u |.|^2.
        OTV_CHECK_WITHIN(Z(i, c.x2), nx, 2 * d * u * nx);
        OTV_CHECK_WITHIN(Z(i, c.y2), ny, 2 * d * u * ny);
        for (int k : {c.one_a, c.one_b, c.one_c, c.s}) CHECK(Z(i, k) == 1.0);
        for (int k : {c.u, c.v, c.out}) CHECK(Z(i, k) == 0.0);
      }
      for (int k = 0; k < c.width; ++k) {
        CAPTURE(k);
        CHECK(Z(n, k) == (k == c.s ? -1.0 / static_cast<double>(n) : 0.0));
      }
    }
}

TEST_CASE("The corrected prompt adds one column log_n2 holding sqrt(2 ln n) in the sink row only", "[prompt]") {
  for (int d : {1, 2}) {
    const ColumnMap c = column_map(Variant::corrected, d);
    REQUIRE(c.width == 2 * d + 10);
    REQUIRE(is_bijection(named_columns(c), c.width));
    const Instance<double> inst = to_real<double>(prompt_instance(d));
    const Matrix<double> Z = make_prompt<double>(inst, c);
    const Eigen::Index n = inst.n();
    for (Eigen::Index i = 0; i < n; ++i) CHECK(Z(i, c.log_n2) == 0.0);
    const double expected = std::sqrt(2 * std::log(static_cast<double>(n)));
    OTV_CHECK_WITHIN(Z(n, c.log_n2), expected, 4 * ScalarTraits<double>::unit_roundoff() * expected);  // log, *2, sqrt: 3 roundings
    // Apart from log_n2 it is the paper prompt.
    const Matrix<double> Zp = make_prompt<double>(inst, column_map(Variant::paper, d));
    CHECK(Z.leftCols(c.width - 1) == Zp);
  }
}

TEST_CASE("The paper and notebook prompts are column permutations of each other (layout independence)", "[prompt]") {
  for (int d : {1, 2, 3}) {
    CAPTURE(d);
    const std::vector<int> perm = paper_to_notebook(d);
    REQUIRE(is_bijection(perm, 2 * d + 9));
    bool identity = true;
    for (std::size_t k = 0; k < perm.size(); ++k) identity = identity && perm[k] == static_cast<int>(k);
    CHECK_FALSE(identity);  // the layouts really differ
    const Instance<double> inst = to_real<double>(prompt_instance(d));
    const Matrix<double> Zp = make_prompt<double>(inst, ColumnMap::make(Layout::paper, d));
    const Matrix<double> Zn = make_prompt<double>(inst, ColumnMap::make(Layout::notebook, d));
    for (int k = 0; k < 2 * d + 9; ++k) {
      CAPTURE(k, perm[static_cast<std::size_t>(k)]);
      CHECK(Zp.col(k) == Zn.col(perm[static_cast<std::size_t>(k)]));
    }
  }
}

// ---- 2. the repairs -------------------------------------------------------------

TEST_CASE("R1: the repaired lambda*Q of both heads has exactly the six entry kinds on named columns, all else zero",
          "[repair]") {
  const double lambda = 0.1;
  for (int d : {1, 2, 3})
    for (bool head1 : {true, false}) {
      CAPTURE(d, head1);
      const ColumnMap c = column_map(Variant::paper, d);
      const Matrix<double> LQ = lambda_Q<double>(Variant::paper, c, lambda, head1);
      REQUIRE(LQ.rows() == 2 * d + 9);
      REQUIRE(LQ.cols() == 2 * d + 9);
      Matrix<double> expected = Matrix<double>::Zero(c.width, c.width);
      const auto& src = head1 ? c.x : c.y;
      const auto& dst = head1 ? c.y : c.x;
      for (int k = 0; k < d; ++k) expected(src[k], dst[k]) = 2;  // 2 <x_i, y_j>
      expected(c.one_a, head1 ? c.y2 : c.x2) = -1;               // -|y_j|^2
      expected(head1 ? c.x2 : c.y2, c.one_a) = -1;               // -|x_i|^2
      expected(head1 ? c.u : c.v, c.one_b) = 1;                  // + u_i
      expected(c.one_c, c.one_c) = -lambda;                      // - lambda (the "- 1"), repair R1
      expected(c.one_c, head1 ? c.v : c.u) = 1;                  // + v_j, repair R1
      for (int a = 0; a < c.width; ++a)
        for (int b = 0; b < c.width; ++b) {
          CAPTURE(a, b);
          CHECK(LQ(a, b) == expected(a, b));
        }
      int nonzero = 0;
      for (int a = 0; a < c.width; ++a)
        for (int b = 0; b < c.width; ++b) nonzero += LQ(a, b) != 0;
      CHECK(nonzero == d + 5);
    }
}

TEST_CASE("R1/R4: the corrected lambda*Q is the paper's plus lambda at (log_n2, log_n2)", "[repair]") {
  const double lambda = 0.1;
  for (bool head1 : {true, false}) {
    const ColumnMap cc = column_map(Variant::corrected, 2), cp = column_map(Variant::paper, 2);
    const Matrix<double> LQc = lambda_Q<double>(Variant::corrected, cc, lambda, head1);
    const Matrix<double> LQp = lambda_Q<double>(Variant::paper, cp, lambda, head1);
    CHECK(LQc.topLeftCorner(cp.width, cp.width) == LQp);
    CHECK(LQc(cc.log_n2, cc.log_n2) == lambda);
    CHECK(LQc.row(cc.log_n2).cwiseAbs().sum() == lambda);
    CHECK(LQc.col(cc.log_n2).cwiseAbs().sum() == lambda);
  }
}

TEST_CASE("R2: with B = -gamma I one layer descends (u, v move against the gradient), B = +gamma I ascends",
          "[repair]") {
  // lambda = 0.05 on a uniform d = 2 instance gives row and column sums on both
  // sides of 1/n, so both directions of the step are exercised.
  const double lambda = 0.05, gamma = 0.01;
  const auto s = make_setup<double>(uniform_instance(6, 2, 7), Variant::paper, lambda, gamma);
  const Eigen::Index n = s.inst.n();
  const ColumnMap& c = s.con.columns;
  for (const auto& h : s.con.layer.heads) CHECK(h.B == Matrix<double>::Identity(c.width, c.width) * (-gamma));
  CHECK(s.con.layer.heads[0].w_v(c.s, c.u) == 1.0);
  CHECK(s.con.layer.heads[1].w_v(c.s, c.v) == 1.0);
  CHECK(s.con.layer.heads[0].w_v.cwiseAbs().sum() == 1.0);
  CHECK(s.con.layer.heads[1].w_v.cwiseAbs().sum() == 1.0);

  Layer<double> printed = s.con.layer;  // the printed sign, B = +gamma I
  for (auto& h : printed.heads) h.B = -h.B;
  const Transformer<double> ascent({printed});

  const Matrix<double> Zd = s.tf.step(s.Z0, 0), Za = ascent.step(s.Z0, 0);
  const Matrix<double> C = cost_matrix(s.inst);
  const Vector<double> zero = Vector<double>::Zero(n);
  const Marginals<double> g = dual_gradient<double>(C, zero, zero, lambda);
  int up = 0, down = 0;
  for (Eigen::Index i = 0; i < n; ++i)
    for (auto [grad, col] : {std::pair{g.rows(i), c.u}, std::pair{g.cols(i), c.v}}) {
      CAPTURE(i, grad, Zd(i, col), Za(i, col));
      REQUIRE(grad != 0.0);
      (grad > 0 ? down : up) += 1;
      CHECK(std::signbit(Zd(i, col)) == (grad > 0));  // descent: against the gradient
      CHECK(std::signbit(Za(i, col)) == (grad < 0));  // printed sign: along the gradient
      CHECK(Za(i, col) == -Zd(i, col));               // the two steps are exact negatives at u = v = 0
    }
  INFO("coordinates with M1 > 1/n: " << down << ", with M1 < 1/n: " << up);
  REQUIRE(down > 0);
  REQUIRE(up > 0);
  // And the dual objective: descent lowers it, ascent raises it.
  auto L_after = [&](const Matrix<double>& Z) {
    Vector<double> uu(n), vv(n);
    for (Eigen::Index i = 0; i < n; ++i) { uu(i) = Z(i, c.u); vv(i) = Z(i, c.v); }
    return dual_objective<double>(C, uu, vv, lambda);
  };
  const double L0 = dual_objective<double>(C, zero, zero, lambda);
  CHECK(L_after(Zd) < L0);
  CHECK(L_after(Za) > L0);
}

TEST_CASE("R3: paper and notebook lambda*Q differ only by the column permutation and the placement of -lambda",
          "[repair]") {
  const double lambda = 0.1;
  for (int d : {1, 2, 3})
    for (bool head1 : {true, false}) {
      CAPTURE(d, head1);
      const ColumnMap cp = column_map(Variant::paper, d), cn = column_map(Variant::notebook, d);
      const std::vector<int> perm = paper_to_notebook(d);
      const Matrix<double> P = lambda_Q<double>(Variant::paper, cp, lambda, head1);
      const Matrix<double> N = lambda_Q<double>(Variant::notebook, cn, lambda, head1);
      // N in the paper's column order.
      Matrix<double> Np(cp.width, cp.width);
      for (int a = 0; a < cp.width; ++a)
        for (int b = 0; b < cp.width; ++b) Np(a, b) = N(perm[static_cast<std::size_t>(a)], perm[static_cast<std::size_t>(b)]);
      const Matrix<double> diff = P - Np;
      Matrix<double> expected = Matrix<double>::Zero(cp.width, cp.width);
      expected(cp.one_c, cp.one_c) = -lambda;  // paper's -lambda ...
      expected(cp.one_b, cp.one_c) = lambda;   // ... the notebook's at (one_b, one_c)
      CHECK(diff == expected);
      CHECK(N(cn.one_b, cn.one_c) == -lambda);
      CHECK(N(cn.one_c, cn.one_c) == 0.0);
    }
}

// ---- 4. the generic forward pass --------------------------------------------------

TEST_CASE("The generic forward pass of eq. (7) matches a hand computation to 4 ulps (one head, ReLU on and off)",
          "[transformer]") {
  Matrix<double> Z(2, 2), Q(2, 2), w_v(2, 2), B(2, 2), w_f(2, 2);
  Z << 1, 0,
       1, 1;
  Q << 0, 0,
       0, 1;   // S = Z Q Z^T: S_ij = z_i[1] z_j[1] = [[0, 0], [0, 1]]
  w_v << 2, 0,
         0, 1;
  B << 1, 1,
       0, -1;  // W = w_v B = [[2, 2], [0, -1]]; Z W = [[2, 2], [2, 1]]
  w_f << 0, -1,
         1, 0.5;  // h = Z' w_f: column 0 = z'[1] (> 0 here), column 1 = -z'[0] + z'[1]/2 (< 0 here)
  // Softmax rows: row 0 scores (0, 0) -> (1/2, 1/2); row 1 scores (0, 1) -> (1 - p, p),
  // p = e / (1 + e) = 1 / (1 + e^-1).
  const double p = 1.0 / (1.0 + std::exp(-1.0));
  // A Z W: row 0 = 1/2 (2, 2) + 1/2 (2, 1) = (2, 1.5); row 1 = (1-p)(2, 2) + p (2, 1) = (2, 2 - p).
  // Z' = Z + A Z W = [[3, 1.5], [3, 3 - p]].
  // h = Z' w_f = [[1.5, -3 + 0.75], [3 - p, -3 + (3 - p)/2]] = [[1.5, -2.25], [3 - p, -1.5 - p/2]]:
  // ReLU keeps column 0 (active) and zeroes column 1 (inactive).
  // Z'' = Z' + ReLU(h) = [[4.5, 1.5], [6 - p, 3 - p]].
  Matrix<double> expected(2, 2);
  expected << 4.5, 1.5,
              6 - p, 3 - p;

  Layer<double> layer{{Head<double>{Q, w_v, B}}, w_f};
  const Transformer<double> tf({layer});
  bool observed = false;
  const Matrix<double> out = tf.step(Z, 0, [&](const LayerView<double>& v) {
    observed = true;
    REQUIRE(v.scores.size() == 1);
    Matrix<double> S(2, 2);
    S << 0, 0,
         0, 1;
    CHECK(v.scores[0] == S);
    CHECK(v.patterns[0](0, 0) == 0.5);
    CHECK(v.patterns[0](0, 1) == 0.5);
    CHECK(ulp_distance(v.patterns[0](1, 1), p) <= 4);
    CHECK(ulp_distance(v.patterns[0](1, 0), 1 - p) <= 4);
  });
  CHECK(observed);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) {
      CAPTURE(i, j, out(i, j), expected(i, j), ulp_distance(out(i, j), expected(i, j)));
      CHECK(ulp_distance(out(i, j), expected(i, j)) <= 4);
    }
  // Without w_f the result is Z' (checks the feed-forward really acted above).
  const Transformer<double> no_ff({Layer<double>{{Head<double>{Q, w_v, B}}, std::nullopt}});
  const Matrix<double> half = no_ff.step(Z, 0);
  CHECK(ulp_distance(half(1, 0), 3.0) <= 4);
  CHECK(ulp_distance(half(1, 1), 3 - p) <= 4);
}

TEST_CASE("Naive and stable softmax agree on moderate scores, naive overflows at scores near 1000 and stable does not",
          "[transformer]") {
  const double u = ScalarTraits<double>::unit_roundoff();
  Matrix<double> S(3, 5);
  S << -5, -1.5, 0, 2.25, 4.75,
       3, 3, 3, 3, 3,
       0.1, -0.2, 0.3, -0.4, 0.5;
  const Matrix<double> An = softmax_rows<double>(S, Softmax::naive), As = softmax_rows<double>(S, Softmax::stable);
  // Per entry: exp (e_exp ulps, at most 2 e_exp u relative; arguments with at most 1 rounding
  // from the shift, times |s| <= 5), a 5-term sum (4) and a division (1), each side:
  // relative error <= 2 (2 e_exp + 5 + 4 + 1) u.
  const double rel = 2 * (2 * otv::BlockExp<double>::error_ulps() + 5 + 4 + 1) * u;
  for (int i = 0; i < S.rows(); ++i) {
    double sum = 0;
    for (int j = 0; j < S.cols(); ++j) {
      CAPTURE(i, j);
      OTV_CHECK_WITHIN(An(i, j), As(i, j), rel * As(i, j));
      sum += As(i, j);
    }
    OTV_CHECK_WITHIN(sum, 1.0, 8 * u);  // the normalisation (5 roundings in the sum, 1 per division)
  }
  Matrix<double> big(2, 3);
  big << 1000, 999, 0,
         1000, 1000, 1000;
  const Matrix<double> Bn = softmax_rows<double>(big, Softmax::naive), Bs = softmax_rows<double>(big, Softmax::stable);
  CHECK_FALSE(Bn.allFinite());
  CHECK(Bs.allFinite());
  const double e = std::exp(-1.0);
  OTV_CHECK_WITHIN(Bs(0, 0), 1 / (1 + e), 4 * u);
  OTV_CHECK_WITHIN(Bs(0, 1), e / (1 + e), 4 * u);
  CHECK(Bs(0, 2) < 1e-300);
  for (int j = 0; j < 3; ++j) OTV_CHECK_WITHIN(Bs(1, j), 1.0 / 3, 4 * u);
}
