// The theorem studies' own rules from planted fixtures: the certificate's
// informative depth, the effective rank of a pattern, the entropic reference's
// stopping rule (and its converged flag when the ladder runs out), the Theorem 1
// trials' records, outcomes and replay strings; the Theorem 1 callbacks (after each
// layer, run and trial).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "study/entropic_reference.hpp"
#include "study/theorem1.hpp"
#include "study/theorem2.hpp"

using namespace otv::study;
using otv::ScalarSpec;

namespace {

Theorem1Layer layer(long long l, bool below_one) {
  Theorem1Layer e;
  e.layer = l;
  e.bound_below_one = below_one;
  return e;
}

Rung<ReferenceRung> reference_rung(unsigned bits, bool certified, double bound, double log2_mu, std::optional<double> change) {
  ReferenceRung r;
  r.scope_bits = r.bits = bits;
  r.certificate = {0, log2_mu, bound, certified};
  return {{ScalarSpec::Kind::mpfr, bits}, r, change, 0};
}

}  // namespace

TEST_CASE("Theorem 1 certificate: informative through the last layer whose bound is below 1", "[theorem1][certificate]") {
  // A bound that comes back below 1 after a wide layer still counts: the last, not the first gap.
  CHECK(informative_through_layer({layer(1, true), layer(2, true), layer(3, false), layer(4, true), layer(5, false)}) == 4);
  CHECK(informative_through_layer({layer(1, true), layer(2, true), layer(3, true)}) == 3);
  CHECK(informative_through_layer({layer(1, false), layer(2, false)}) == 0);
  CHECK(informative_through_layer({}) == 0);
}

TEST_CASE("Theorem 2 spectrum: effective rank n for a scaled permutation, 1 for rank one, the entropy in between", "[theorem2][spectrum]") {
  const Spectrum p = spectrum({0, 2, 0, 0, 0, 2, 2, 0, 0}, 3);
  REQUIRE(p.singular_values.size() == 3);
  for (double s : p.singular_values) CHECK(s == Approx(2).epsilon(1e-14));
  CHECK(p.effective_rank == Approx(3).epsilon(1e-14));
  const Spectrum one = spectrum({1, 1, 1, 1}, 2);
  CHECK(one.singular_values[0] == Approx(2).epsilon(1e-14));
  CHECK(one.effective_rank == Approx(1).epsilon(1e-14));
  // diag(3, 1): sigma / sum = (3/4, 1/4), rank exp(-(3/4 ln 3/4 + 1/4 ln 1/4)) = 1.7548...
  const Spectrum d = spectrum({1, 0, 0, 3}, 2);
  CHECK(d.singular_values == std::vector<double>{3, 1});
  CHECK(d.effective_rank == Approx(std::exp(-(0.75 * std::log(0.75) + 0.25 * std::log(0.25)))).epsilon(1e-14));
}

TEST_CASE("entropic reference: settled only when certified, the bound and the change both within the target", "[entropic-reference][ladder]") {
  const double target = 1e-20;  // ceil(-log2 target) = 67 bits
  const unsigned max_bits = 1u << 16;
  // Certified below the target on the first rung: no change yet, so a confirming rung at 1.25 b.
  LadderStep s = reference_step({reference_rung(128, true, 1e-30, -10, std::nullopt)}, target, max_bits);
  CHECK_FALSE(s.settled);
  REQUIRE(s.next);
  CHECK(s.next->bits == 160);
  CHECK(s.next->kind == ScalarSpec::Kind::mpfr);
  // ... and settled when the confirming rung moved by at most the target.
  s = reference_step({reference_rung(128, true, 1e-30, -10, std::nullopt), reference_rung(160, true, 1e-30, -10, 1e-20)}, target, max_bits);
  CHECK(s.settled);
  CHECK_FALSE(s.next);
  // A change above the target, or a bound above it, or no certificate: not settled.
  CHECK_FALSE(reference_step({reference_rung(160, true, 1e-30, -10, 2e-20)}, target, max_bits).settled);
  CHECK_FALSE(reference_step({reference_rung(160, true, 2e-20, -10, 0)}, target, max_bits).settled);
  CHECK_FALSE(reference_step({reference_rung(160, false, 1e-30, -10, 0)}, target, max_bits).settled);
  // Uncertified: twice the bits, or what mu asks for when more: 300 + 67 + 64 = 431.
  CHECK(reference_step({reference_rung(128, false, 1, -100, std::nullopt)}, target, max_bits).next->bits == 256);
  CHECK(reference_step({reference_rung(128, false, 1, -300, std::nullopt)}, target, max_bits).next->bits == 431);
  CHECK(reference_step({reference_rung(128, false, 1, -std::numeric_limits<double>::infinity(), std::nullopt)}, target, max_bits).next->bits == 256);
  // Past max_bits there is no next rung.
  CHECK_FALSE(reference_step({reference_rung(40000, false, 1, -10, std::nullopt)}, target, max_bits).next);
}

TEST_CASE("entropic reference: a ladder that never certifies runs out of rungs unconverged", "[entropic-reference][ladder]") {
  // A planted Newton that never certifies: rungs 128, 256, 512, then 1024 > max_bits.
  auto compute = [](const ScalarSpec& at, const std::vector<Rung<ReferenceRung>>&) {
    ReferenceRung r;
    r.scope_bits = r.bits = at.bits;
    r.certificate = {1, -10, std::numeric_limits<double>::infinity(), false};
    return r;
  };
  auto compare = [](const ReferenceRung&, const ReferenceRung&) { return std::optional<double>(0.0); };
  const Ladder<ReferenceRung> l = climb<ReferenceRung>(
      {ScalarSpec::Kind::mpfr, 128}, compute, compare,
      [](const std::vector<Rung<ReferenceRung>>& r) { return reference_step(r, 1e-20, 512); }, SIZE_MAX);
  REQUIRE(l.rungs.size() == 3);
  CHECK(l.top().scalar.bits == 512);
  CHECK_FALSE(l.settled);  // the reference's converged flag
}

TEST_CASE("Theorem 1 trials: outcomes and replays from the records, the worst verdict, its replay as the worst case", "[theorem1][trials]") {
  Theorem1Spec spec;
  spec.lambda = "0.01";
  spec.gamma = "0.02";
  spec.layers = 7;
  spec.variant = otv::Variant::corrected;
  const std::vector<Theorem1TrialCase> cases{{3, 11}, {1, 12}, {5, 13}};
  const std::vector<nlohmann::json> records{
      {{"verdict", "holds"}, {"first_failing_layer", nullptr}, {"max_err", 1e-17}},
      {{"verdict", "fails"}, {"first_failing_layer", 2}, {"max_err", "nan"}},
      {{"verdict", "unstable"}, {"first_failing_layer", 4}, {"max_err", 0.5}}};
  const Theorem1Trials t = summarise_trial_records(spec, 2, cases, records);
  REQUIRE(t.trials.size() == 3);
  CHECK(t.trials[1].verdict == LadderVerdict::fails);
  CHECK(t.trials[1].first_failing_layer == 2);
  CHECK(std::isnan(t.trials[1].max_err));
  CHECK_FALSE(t.trials[0].first_failing_layer);
  CHECK(t.trials[2].replay == "generator=uniform,n=5,d=2,seed=13,lambda=0.01,gamma=0.02,layers=7,variant=corrected");
  CHECK(t.summary.verdict == LadderVerdict::fails);
  CHECK(t.summary.representative == 1);
  nlohmann::json j = records[1];
  write_json(t, j);
  CHECK(j.at("worst_case") == "generator=uniform,n=1,d=2,seed=12,lambda=0.01,gamma=0.02,layers=7,variant=corrected");
  CHECK(j.at("counts") == nlohmann::json{{"holds", 1}, {"rounding-only", 0}, {"unstable", 1}, {"fails", 1}});
  CHECK(j.at("verdict") == "fails");
  CHECK(j.at("trials")[0].at("seed") == 11);
  CHECK_THROWS(summarise_trial_records(spec, 2, cases, {{{"verdict", "maybe"}, {"first_failing_layer", nullptr}, {"max_err", 0}}}));
}

TEST_CASE("Theorem 1 trials: drawn reproducibly, n from 1 to max_n, and a trial runs its ladder only on failure", "[theorem1][trials]") {
  const auto a = draw_trials(4, 50, 3), b = draw_trials(4, 50, 3);
  REQUIRE(a.size() == 50);
  bool seen[4] = {};
  for (std::size_t k = 0; k < a.size(); ++k) {
    CHECK(a[k].n == b[k].n);
    CHECK(a[k].seed == b[k].seed);
    REQUIRE((a[k].n >= 1 && a[k].n <= 3));
    seen[a[k].n] = true;
  }
  CHECK((seen[1] && seen[2] && seen[3]));
  const Theorem1Spec s = trial_spec(Theorem1Spec{}, {3, 9}, 2);
  CHECK_FALSE(s.always_ladder);
  CHECK(s.instance.n() == 3);
  CHECK(s.instance.d() == 2);
}

TEST_CASE("Theorem 1 run: after_layer sees every layer of every run in order, and a throw aborts the run", "[theorem1][callbacks]") {
  Theorem1Spec s;
  s.instance = otv::paper_instance(3, 1);
  s.layers = 4;
  s.ladder = {{ScalarSpec::Kind::double_}};  // base and one rung: two runs
  std::vector<long long> seen;
  int runs = 0;
  s.after_layer = [&](long long done) { seen.push_back(done); };
  s.after_run = [&] { ++runs; };
  run_theorem1(s);
  CHECK(seen == std::vector<long long>{1, 2, 3, 4, 1, 2, 3, 4});
  CHECK(runs == 2);
  struct Stop {};
  s.layers = 1000;
  s.after_layer = [](long long done) { if (done == 3) throw Stop{}; };
  runs = 0;
  CHECK_THROWS_AS(run_theorem1(s), Stop);
  CHECK(runs == 0);  // stopped inside the first run
}

TEST_CASE("Theorem 1 trials: after_trial counts the trials done, the record is the same without it", "[theorem1][trials][callbacks]") {
  Theorem1Spec s;
  s.layers = 5;
  s.ladder = {{ScalarSpec::Kind::double_}};
  std::vector<long long> done;
  const nlohmann::json with = theorem1_trials(s, 3, 4, 2, 1, [&](long long k) { done.push_back(k); });
  CHECK(done == std::vector<long long>{1, 2, 3});
  CHECK(with == theorem1_trials(s, 3, 4, 2, 1));
  CHECK(with.at("trials").size() == 3);
}

TEST_CASE("Theorem 1 run: a NaN error in either column is a NaN rung error, not the other column's", "[theorem1][ladder]") {
  Theorem1Comparison c;
  c.scalar = "double";
  c.precision_bits = 53;
  Theorem1Layer l1 = layer(1, true), l2 = layer(2, true);
  l1.max_u_err = 1e-3;
  l1.max_v_err = std::nan("");
  l2.max_u_err = 2e-16;
  l2.max_v_err = 1e-16;
  c.layers = {l1, l2};
  const Theorem1Run r = theorem1_run(c);
  CHECK(std::isnan(r.rung.error[0]));
  CHECK(r.rung.error[1] == 2e-16);
  CHECK(r.rung.bits == 53);
}

TEST_CASE("Theorem 2: relabelled instances share a key, others do not", "[theorem2][rates]") {
  const otv::InstanceText a{{{"0.1"}, {"0.5"}, {"0.3"}}, {{"0"}, {"1"}, {"2"}}}, b{{{"0.3"}, {"0.1"}, {"0.5"}}, {{"2"}, {"0"}, {"1"}}},
      c{{{"0.3"}, {"0.1"}, {"0.6"}}, {{"2"}, {"0"}, {"1"}}};
  CHECK(relabelling_key(a) == relabelling_key(b));
  CHECK(relabelling_key(a) != relabelling_key(c));
}
