// The training studies (src/study/training.hpp, training_statistics.hpp): the
// statistics over seeds on planted samples with known answers (identical samples,
// a two-point distribution, one sample, none), the loss-curve thinning at its
// boundary, the held-out decision at ratio 1, the setup defaults, and the training
// loop's save points, stop and resume on a tiny run.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "otv/error.hpp"
#include "study/training.hpp"

using namespace otv::study;

TEST_CASE("mean_sd: planted samples, one sample, none", "[training]") {
  const MeanSd a = mean_sd({1, 2, 3});
  CHECK(a.mean == 2);
  CHECK(a.sd == 1);  // sample sd: sum of squares 2 over k - 1 = 2
  const MeanSd b = mean_sd({2, 4, 4, 4, 5, 5, 7, 9});
  CHECK(b.mean == 5);
  CHECK(b.sd == Approx(std::sqrt(32.0 / 7.0)).epsilon(1e-15));
  const MeanSd one = mean_sd({0.25});
  CHECK(one.mean == 0.25);
  CHECK(one.sd == 0);  // one seed has no spread
  const MeanSd none = mean_sd({});
  CHECK(std::isnan(none.mean));
  CHECK(none.sd == 0);
}

TEST_CASE("bootstrap_ratio_ci: identical samples, a two-point distribution, empty groups", "[training]") {
  // Every resample of identical values has the same mean: the interval is the ratio.
  const RatioInterval same = bootstrap_ratio_ci({3, 3, 3}, {1.5, 1.5});
  CHECK(same.lo == 2);
  CHECK(same.hi == 2);
  // mean of two draws from {1, 3} over 1: 1, 2, 3 with probabilities 1/4, 1/2, 1/4,
  // so the 2.5% and 97.5% points are 1 and 3 (each end holds ~2500 of 10^4 resamples).
  const RatioInterval two = bootstrap_ratio_ci({1, 3}, {1});
  CHECK(two.lo == 1);
  CHECK(two.hi == 3);
  // Numerator and denominator are not swapped: 10 / 1, not 1 / 10.
  const RatioInterval ten = bootstrap_ratio_ci({10}, {1});
  CHECK(ten.lo == 10);
  CHECK(ten.hi == 10);
  // Reproducible (fixed generator), and it brackets the ratio of the means.
  const std::vector<double> p{0.31, 0.42, 0.35, 0.5}, e{0.1, 0.12, 0.09, 0.2};
  const RatioInterval r1 = bootstrap_ratio_ci(p, e), r2 = bootstrap_ratio_ci(p, e);
  CHECK(r1.lo == r2.lo);
  CHECK(r1.hi == r2.hi);
  const double ratio = mean_sd(p).mean / mean_sd(e).mean;
  CHECK(r1.lo < ratio);
  CHECK(ratio < r1.hi);
  CHECK(std::isnan(bootstrap_ratio_ci({}, {1}).lo));
  CHECK(std::isnan(bootstrap_ratio_ci({1}, {}).hi));
}

namespace {
LossCurve curve_of(std::size_t k) {
  LossCurve c;
  for (std::size_t i = 0; i < k; ++i) c.emplace_back(static_cast<long long>(i), 1.0 / static_cast<double>(i + 1));
  return c;
}
}  // namespace

TEST_CASE("thinned_curve: whole up to 200 points, thinned beyond, first and last kept", "[training]") {
  CHECK(thinned_curve({}).empty());
  CHECK(thinned_curve(curve_of(1)) == curve_of(1));
  CHECK(thinned_curve(curve_of(200)) == curve_of(200));  // the boundary: still whole
  const LossCurve t201 = thinned_curve(curve_of(201));   // stride 2: 0, 2, .., 198 and 200
  CHECK(t201.size() == 101);
  CHECK(t201[1].first == 2);
  CHECK(t201.back().first == 200);
  const LossCurve t399 = thinned_curve(curve_of(399));  // stride 2 fills exactly 200 points
  CHECK(t399.size() == 200);
  CHECK(t399.front() == curve_of(1).front());
  CHECK(t399.back().first == 398);
  const LossCurve t400 = thinned_curve(curve_of(400));  // stride 3
  CHECK(t400.size() == 134);
  CHECK(t400.back().first == 399);
  for (std::size_t k : {2, 57, 1000, 12345}) {
    CAPTURE(k);
    const LossCurve t = thinned_curve(curve_of(k));
    CHECK(t.size() <= kMaxCurvePoints);
    CHECK(t.back().first == static_cast<long long>(k) - 1);
  }
}

TEST_CASE("held_out_ratio: the plain prompt wins only below ratio 1", "[training]") {
  const HeldOutRatio wins = held_out_ratio({1, 1}, {2, 2});
  CHECK(wins.ratio == 0.5);
  CHECK(wins.ci95.lo == 0.5);
  CHECK(wins.ci95.hi == 0.5);
  CHECK(wins.plain_wins);
  CHECK_FALSE(held_out_ratio({2, 2}, {2, 2}).plain_wins);  // a tie is no win
  const HeldOutRatio loses = held_out_ratio({4, 6}, {1, 1});
  CHECK(loses.ratio == 5);
  CHECK_FALSE(loses.plain_wins);
}

TEST_CASE("same_run ignores only the length, validate_seeds bounds the list", "[training]") {
  TrainSettings a, b;
  b.iterations = 7;
  CHECK(same_run(a, b));
  b.seed = 2;
  CHECK_FALSE(same_run(a, b));
  b = a;
  b.learning_rate = "0.0010";  // another decimal, another run
  CHECK_FALSE(same_run(a, b));
  CHECK_THROWS_WITH(validate_seeds({}), "--seeds must list 1 to 100 seeds");
  CHECK_NOTHROW(validate_seeds(std::vector<std::uint64_t>(100, 1)));
  CHECK_THROWS_AS(validate_seeds(std::vector<std::uint64_t>(101, 1)), otv::InputError);
}

TEST_CASE("setup defaults: notebook fills what was not given, mixing names resolve", "[training]") {
  TrainSettings s;
  s.mixing = "paper";
  apply_setup_defaults(s, {});
  CHECK(s.mixing == "0.05");
  CHECK(s.iterations == 10000);  // the otverify setup keeps its defaults
  TrainSettings nb;
  nb.setup = "notebook";
  nb.iterations = 123;
  apply_setup_defaults(nb, {.iterations = true});
  CHECK(nb.iterations == 123);
  CHECK(nb.samples == 1000);
  CHECK(nb.resample_every == 50);
  CHECK(nb.learning_rate == "0.0005");
  CHECK(nb.mixing == "-0.1");
  TrainSettings given;
  given.setup = "notebook";
  given.mixing = "0.2";
  apply_setup_defaults(given, {.mixing = true});
  CHECK(given.mixing == "0.2");
}

TEST_CASE("Grid JSON: rows, one column flat, non-finite named", "[training]") {
  CHECK(to_json(Grid{2, 2, {1, 2, 3, 4}}).dump() == "[[1.0,2.0],[3.0,4.0]]");
  CHECK(to_json(Grid{3, 1, {0.5, NAN, -INFINITY}}).dump() == R"([0.5,"nan","-inf"])");
  CHECK(to_json(Grid{1, 2, {1, INFINITY}}).dump() == R"([[1.0,"inf"]])");
}

namespace {
TrainSpec tiny(long long iterations) {
  TrainSpec t;
  t.settings.n = 4;
  t.settings.layers = 2;
  t.settings.samples = 4;
  t.settings.iterations = iterations;
  t.settings.learning_rate = "0.01";
  t.checkpoint_every = 5;
  t.checkpoint_name = "m.json";
  return t;
}
}  // namespace

TEST_CASE("train: save points, stop and resume equal the uninterrupted run", "[training]") {
  std::vector<std::pair<long long, SavePoint>> saves;
  std::vector<long long> progress;
  TrainCallbacks cb;
  cb.progress = [&](long long done) { progress.push_back(done); };
  cb.save = [&](const ModelFile& m, SavePoint at) { saves.emplace_back(m.completed, at); };
  const TrainResult full = train(tiny(12), cb);
  CHECK_FALSE(full.stopped);
  CHECK(full.model.completed == 12);
  CHECK(full.model.loss_curve.size() == 12);
  // Checkpoints every 5 before the last iteration, then the complete model once.
  CHECK(saves == std::vector<std::pair<long long, SavePoint>>{{5, SavePoint::checkpoint}, {10, SavePoint::checkpoint}, {12, SavePoint::complete}});
  CHECK(progress.front() == 0);
  CHECK(progress.back() == 12);
  CHECK(progress.size() == 13);
  saves.clear();  // a length that is a multiple of checkpoint_every: the last save is the complete model only
  train(tiny(10), cb);
  CHECK(saves == std::vector<std::pair<long long, SavePoint>>{{5, SavePoint::checkpoint}, {10, SavePoint::complete}});

  // Stop before iteration 7; the interrupted state resumes to the same model bit for bit.
  ModelFile checkpoint;
  TrainCallbacks stop;
  long long polls = 0;
  stop.should_stop = [&] { return polls++ == 7; };
  stop.save = [&](const ModelFile& m, SavePoint at) { if (at == SavePoint::interrupted) checkpoint = m; };
  const TrainResult part = train(tiny(12), stop);
  CHECK(part.stopped);
  CHECK(part.model.completed == 7);
  CHECK(checkpoint.completed == 7);
  TrainSpec again = tiny(12);
  again.resume = checkpoint;
  const TrainResult resumed = train(again, {});
  CHECK(model_json(resumed.model) == model_json(full.model));

  // A complete model is returned unchanged; other settings or fewer iterations are refused.
  again.resume = full.model;
  saves.clear();
  CHECK(model_json(train(again, cb).model) == model_json(full.model));
  CHECK(saves.empty());
  TrainSpec other = tiny(12);
  other.settings.seed = 9;
  other.resume = full.model;
  CHECK_THROWS_WITH(train(other, {}), "m.json was trained with other settings; --resume continues it unchanged");
  TrainSpec shorter = tiny(11);
  shorter.resume = full.model;
  CHECK_THROWS_WITH(train(shorter, {}), "m.json has 12 iterations done, more than --iters 11");
}

TEST_CASE("train: divergence names the checkpoint only when one was written", "[training]") {
  TrainSpec t = tiny(20);
  t.settings.layers = 3;  // the CLI's small run of proofs_checks/cli/train.sh, which diverges at iteration 1
  t.settings.samples = 8;
  t.settings.learning_rate = "1e30";
  t.settings.mixing = "1e30";
  const std::string diverged = "training diverged: the loss is not finite at iteration 1 (try a smaller --lr or --mixing)";
  CHECK_THROWS_WITH(train(t, {}), diverged);
  TrainCallbacks cb;
  cb.save = [](const ModelFile&, SavePoint) {};
  t.checkpoint_every = 1;  // a checkpoint after iteration 0
  CHECK_THROWS_WITH(train(t, cb), diverged + "; m.json keeps the last checkpoint");
}

TEST_CASE("evaluate: the held-out size bounds, with the CLI's messages", "[training]") {
  EvalSpec e;
  e.model = train(tiny(2), {}).model;
  e.n = 51;
  CHECK_THROWS_WITH(evaluate(e), "--n must be <= 50 (held-out instances are distinct values of the 50-point grid)");
  e.n = -3;
  CHECK_THROWS_WITH(evaluate(e), "--n must be in [1, 256]");
  e.n = 0;  // the training n
  e.samples = 0;
  CHECK_THROWS_WITH(evaluate(e), "--samples must be in [1, 100000]");
  e.samples = 3;
  const EvalResult r = evaluate(e);
  CHECK(r.n == 4);
  CHECK(r.layers.size() == 2);
  CHECK(r.p_star.rows == 4);
  for (std::size_t i = 0; i < 4; ++i) {  // P* is a permutation matrix
    double row = 0;
    for (std::size_t j = 0; j < 4; ++j) row += r.p_star(i, j);
    CHECK(row == 1);
  }
}
