// The depth-needed stopping rule (src/otv/depth_needed.hpp) against a brute-force
// scan of the same forward pass: the first depth within the tolerance, and none
// within a cap below it.
#include <catch2/catch.hpp>

#include <vector>

#include "otv/depth_needed.hpp"

namespace {

// Head-1 scores on Z^(l) for l = 0..depth, by running the pass once per layer.
std::vector<otv::Matrix<double>> scores_by_depth(const otv::Instance<double>& inst, double lambda, long long depth) {
  const auto con = otv::make_construction<double>(otv::Variant::paper, static_cast<int>(inst.d()), lambda, 2 * lambda);
  const otv::Transformer<double> tf({con.layer}, otv::Softmax::stable);
  std::vector<otv::Matrix<double>> out;
  otv::Matrix<double> Z = otv::make_prompt<double>(inst, con.columns);
  for (long long l = 0; l <= depth; ++l) {
    out.push_back(tf.attentions(Z, static_cast<int>(l))[0].scores);
    Z = tf.step(Z, static_cast<int>(l));
  }
  return out;
}

}  // namespace

TEST_CASE("depth needed: early stopping returns the first depth within the tolerance", "[depth-needed]") {
  const auto inst = otv::to_real<double>(otv::paper_instance(4, 1));
  const double lambda = 0.3;
  const auto scores = scores_by_depth(inst, lambda, 12);
  // Planted target: the pass's own depth-9 scores shifted by a constant (the metric ignores it).
  const otv::Matrix<double> target = (otv::breakdown_detail::data_scores<double>(scores[9]).array() + 3.0).matrix();
  std::vector<double> d;
  for (const auto& s : scores) d.push_back(otv::score_distance<double>(s, target));
  for (const long long k : {2LL, 5LL, 9LL}) {
    const double tol = d[static_cast<std::size_t>(k)];
    long long first = 0;
    while (d[static_cast<std::size_t>(first)] > tol) ++first;
    const auto r = otv::depth_needed<double>(inst, lambda, 2 * lambda, otv::Variant::paper, otv::Softmax::stable, target, tol, 12);
    REQUIRE(r.layers);
    CHECK(*r.layers == first);
    CHECK(r.distance == d[static_cast<std::size_t>(first)]);
    // A cap below the answer: none within it.
    if (first > 0) CHECK_FALSE(otv::depth_needed<double>(inst, lambda, 2 * lambda, otv::Variant::paper, otv::Softmax::stable, target, tol, first - 1).layers);
  }
  CHECK(d[9] == 0);  // the planted depth reproduces itself exactly
}
