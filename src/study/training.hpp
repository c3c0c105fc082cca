#pragma once
// Learning the construction (paper Sec. 6): the studies behind `otverify train`,
// `otverify eval`, `otverify ablation` and otverify.train / evaluate / ablation
// (Python). Training runs in float or double; each study is instantiated once per
// type (study/training_impl.hpp). Files, signals and progress bars are the front
// end's: the studies report through callbacks.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "otv/constructed_model.hpp"
#include "otv/training.hpp"
#include "study/model_file.hpp"
#include "study/training_statistics.hpp"

namespace otv::study {

// Said wherever a result rests on the paper's data.
inline constexpr const char* kPaperDataNote =
    "trained on --data paper: x is a permutation of {1/n..1} and y_i = i/n, so sorted(x) = y for every training sample and a model "
    "can reach a low training loss by copying y; only the held-out check (sorted(x) != y) tells sorting from copying";

// Which training options the user gave; --setup notebook sets the others to the
// released code's values (docs/training.md).
struct GivenTrainOptions {
  bool iterations = false, samples = false, resample_every = false, learning_rate = false, mixing = false;
};

// Resolves the mixing names ("paper": 0.05, "notebook": -0.1) and, for --setup
// notebook, the defaults of the options not given: 5000 iterations, 1000 samples,
// resampling every 50, learning rate 0.0005, mixing -0.1.
void apply_setup_defaults(TrainSettings& s, const GivenTrainOptions& given);

// The same training, possibly of another length (every setting but iterations).
bool same_run(const TrainSettings& a, const TrainSettings& b);

// A matrix of doubles (row-major); in JSON as study/json_value.hpp's json_matrix
// writes it: rows, a one-column matrix as a flat list, non-finite entries named.
struct Grid {
  std::size_t rows = 0, cols = 0;
  std::vector<double> values;
  double operator()(std::size_t i, std::size_t j) const { return values[i * cols + j]; }
};
nlohmann::json to_json(const Grid& g);

// ---------------------------------------------------------------------------
// train

// Where the study hands a model file to the front end to be stored.
enum class SavePoint {
  checkpoint,   // every checkpoint_every iterations before the last
  interrupted,  // should_stop said stop: the state to resume from
  complete,     // all iterations done, final_loss set
};

struct TrainCallbacks {
  std::function<void(long long iterations_done)> progress;  // at the start and after each iteration; may throw to abort
  std::function<bool()> should_stop;                       // polled before each iteration
  std::function<void(const ModelFile&, SavePoint)> save;   // empty: nothing is stored
};

struct TrainSpec {
  TrainSettings settings;
  std::optional<ModelFile> resume;   // a checkpoint of the same run to continue
  std::string checkpoint_name;       // how messages name the stored model (the CLI: its file)
  long long checkpoint_every = 100;  // iterations between SavePoint::checkpoint (0: none)
  std::string command;               // recorded in the model file
};

struct TrainResult {
  ModelFile model;       // settings, weights, Adam state, loss curve; final_loss when complete
  bool stopped = false;  // should_stop ended it before settings.iterations
};

// Trains the eq. (7) transformer by Adam on sorting data (Sec. 6): iteration t
// takes one step on the mean squared readout error
//
//   L(theta) = (1/m) sum_s (1/n) |readout(Z_s^(L)) - sorted(x_s)|^2
//
// over the m samples of draw floor(t / resample_every) (the one fixed draw when
// resample_every = 0), recording L before the update. A resumed run continues the
// checkpoint's weights, Adam state and curve, bit for bit the uninterrupted run.
//
// Parameters
//   spec : TrainSpec -- settings (n, layers, samples, iterations, prompt, setup,
//          data, lr, mixing, scalar float|double, seed); resume: a checkpoint with
//          the same settings (iterations may grow) and at most settings.iterations done.
//   callbacks : progress, should_stop, save (see SavePoint).
// Returns
//   TrainResult -- the model file (final_loss: L of the final weights on the last
//   draw); stopped when should_stop ended the run. A resumed model already
//   complete is returned unchanged, nothing saved.
// Throws
//   InputError -- invalid settings (TrainSettings::validate); a resume of another run, or fewer iterations than done;
//   training diverged (a non-finite loss: the user's lr or mixing).
// Example
//   TrainSpec s;
//   s.settings.n = 4; s.settings.layers = 3; s.settings.samples = 8; s.settings.iterations = 60;
//   train(s, {}).model.final_loss;  // below the loss at iteration 0
TrainResult train(const TrainSpec& spec, const TrainCallbacks& callbacks);

// ---------------------------------------------------------------------------
// evaluate

struct EvalSpec {
  ModelFile model;
  long long n = 0;         // points per held-out instance, in [1, 50]; 0: the training n
  long long samples = 100; // held-out instances, in [1, kMaxTrainSamples]
  std::uint64_t seed = 1;  // of the held-out stream (disjoint from every training draw)
};

struct EvalLayer {
  long long layer = 0;              // 1-based residual layer
  Grid head1, head2;                // A^(l) of both heads (eq. 10)
  double distance_to_p_star[2]{};   // mean row total-variation distance to P*
};

struct EvalResult {
  TrainSettings model;  // how the model was trained
  long long completed = 0, n = 0, samples = 0;
  std::uint64_t seed = 1;
  std::string scalar;
  nlohmann::json kernels;  // study/forward_run.hpp's kernel_provenance
  double mse = 0, max_abs_error = 0, mean_max_abs_error = 0;  // readout vs sorted x
  SortingScore sorting;
  Grid x, y, prompt, prediction, p_star;  // the first held-out instance
  std::vector<EvalLayer> layers;
  std::vector<double> readout_distance_to_p_star_t;  // the readout Q on Z^(l), l = 0..L-1, vs P*^T
};

// Scores a trained model on held-out instances (sorted(x) != y: x distinct values
// of {0, 1/50, .., 49/50}, y_i = i/n):
//
//   mse = (1/(k n)) sum_s |readout_s - sorted(x_s)|^2,  max |error|, mean over s of max_i |error|,
//
// with the copy-y and mean-of-x baselines and the sorting verdict (otv/training.hpp),
// and on the first instance every layer's attention A^(l) beside P* (the exact
// OT assignment as a permutation matrix), by the mean row total-variation distance
//
//   dist(A, P) = (1/(2n)) sum_ij |A_ij - P_ij|   (0 when A = P, 1 when disjoint).
//
// Parameters
//   spec : EvalSpec -- model (a model file), n, samples, seed.
// Returns
//   EvalResult -- in JSON (to_json) the schema of `otverify eval --json`.
// Throws
//   InputError -- n or samples out of range, with the CLI's messages.
// Example
//   evaluate({model, 9, 100, 1}).sorting.verdict();  // "sorts" for a model that learned to sort
EvalResult evaluate(const EvalSpec& spec);
nlohmann::json to_json(const EvalResult& r);

// ---------------------------------------------------------------------------
// ablation

struct AblationSpec {
  TrainSettings base;                // prompt and seed are set per run
  std::vector<std::uint64_t> seeds;  // training seeds, the same for both prompts (1 to 100)
  std::uint64_t figure_seed = 1;     // held-out instances of Figures 3 and 4 and of the scores
  std::string models_dir;            // where the front end keeps the runs' models (recorded)
  long long checkpoint_every = 100;
  bool retrain = false;              // a stored model of other settings is retrained (--force), else refused
  std::string construct_lambda = "0.005";
  std::vector<std::string> construct_gammas{"0.0001", "0.001", "0.01", "0.05", "0.1", "0.5", "1"};
  std::string command;
};

// Throws InputError unless seeds lists 1 to 100 seeds.
void validate_seeds(const std::vector<std::uint64_t>& seeds);

// One training run of the ablation.
struct AblationRun {
  std::string prompt;  // engineered | plain
  std::uint64_t seed = 1;
  std::string file;    // models_dir/<prompt>-seed<seed>.json, named in messages and commands
  std::string label;   // "<prompt> seed <seed>"
};

struct AblationCallbacks {
  // The stored model of a run, if any: a complete one of the same settings is used
  // as is, an incomplete one resumed. Empty: every run trains from the start.
  std::function<std::optional<ModelFile>(const AblationRun&)> stored;
  // The callbacks of one run's training (progress, stop, checkpoints); `resuming`
  // says whether it continues a stored model.
  std::function<TrainCallbacks(const AblationRun&, bool resuming)> training;
};

struct PromptRuns {  // one prompt's runs, in the order of the seeds
  std::vector<double> final_loss;
  MeanSd final_loss_stats;
  double final_loss_min = 0, final_loss_max = 0;
  std::vector<LossCurve> loss_curves;  // thinned_curve
};

struct Figure3Panel {  // the engineered model of the first seed on one held-out instance
  Grid x, p_star, p_star_t;
  std::vector<int> layers;  // of 5, 10, 15, 20: those the model has
  std::vector<Grid> patterns, patterns_head2;
  std::vector<std::pair<double, double>> distance_to_p_star;
  std::vector<int> readout_states;  // of 0, 5, 10, 15, 20, capped at the residual layers, distinct
  std::vector<Grid> readout_patterns;
  std::vector<double> readout_distance_to_p_star_t;
};

struct LastLayerPatterns {
  Grid head1, head2;
  std::pair<double, double> distance_to_p_star;
};

struct Figure4 {  // last-layer patterns of both prompts on one held-out instance at the training n
  long long n = 0;
  Grid x, p_star;
  LastLayerPatterns engineered, plain;
};

struct HeldOutScores {  // one prompt's models at one n, in the order of the seeds
  std::vector<double> mse, mse_to_y;
  MeanSd mse_stats;
  double mse_to_y_mean = 0, copy_y_baseline = 0, mean_baseline = 0;  // means over seeds
  std::vector<std::string> verdicts;
};

struct DescentStep {
  double step = 0, loss = 0;
};

struct ConstructedComparison {  // the constructed weights (eq. 8) on the first seed's training data
  std::string lambda;
  std::map<std::string, std::optional<double>> loss_by_gamma;  // nullopt: not finite
  std::string readout;
  std::optional<std::string> gamma;  // the best finite gamma; the fields below need one
  double loss = 0, gradient_norm = 0, trained_loss = 0;
  std::optional<DescentStep> descent_step;  // the largest 2^-k (k <= 60) lowering the loss
  QDistance q;                              // trained vs constructed Q (best gamma; gamma = 1 without one: only q.relative)
  std::map<long long, SortingScore> held_out;
};

struct AblationResult {
  bool stopped = false;  // a run was stopped; nothing below is filled
  std::string command;
  TrainSettings base;
  std::vector<std::uint64_t> seeds;
  std::uint64_t figure_seed = 1;
  std::string models_dir;
  PromptRuns engineered, plain;
  double ratio = 0;  // mean final loss plain / engineered
  RatioInterval ratio_ci95;
  std::map<long long, Figure3Panel> figure3;  // n = 7, 9
  Figure4 figure4;
  std::map<std::string, std::map<long long, HeldOutScores>> generalisation;  // prompt -> n
  std::map<long long, HeldOutRatio> held_out_ratio;
  ConstructedComparison constructed;
};

// The prompt-engineering ablation (Sec. 6, Figures 3 and 4): both prompts trained
// with every seed (train), then
//   ratio = mean_s L_plain(s) / mean_s L_engineered(s)  (final training losses)
// with its bootstrap interval; on 100 held-out instances per n in {n, 9, 15}
// every model's mse against sorted x, the baselines, the sorting verdicts and the
// held-out ratio (held_out_ratio); Figure 3's patterns A^(l) and readout patterns
// of the first engineered model at n = 7, 9; Figure 4's last-layer patterns; and the
// constructed weights (eq. 8, lambda = construct_lambda, best gamma of
// construct_gammas) against the trained ones: loss, gradient norm, a descent step,
// Q distance, held-out sorting. The claim's verdict is study/claims.hpp's.
//
// Parameters
//   spec : AblationSpec -- base settings, seeds, figure_seed, construct_lambda, construct_gammas.
//   callbacks : stored models, per-run training callbacks.
// Returns
//   AblationResult -- in JSON (to_json) the schema of `otverify ablation --json`
//   (docs/training.md); stopped when a run was stopped.
// Throws
//   InputError -- invalid settings or seeds; a stored model of other settings without retrain; training diverged.
// Example
//   AblationSpec s;
//   s.base.n = 4; s.base.layers = 5; s.base.iterations = 6; s.base.samples = 4; s.seeds = {1, 2};
//   ablation(s, {}).held_out_ratio.at(4).plain_wins;
AblationResult ablation(const AblationSpec& spec, const AblationCallbacks& callbacks);
nlohmann::json to_json(const AblationResult& r);

// The studies in one scalar type (study/training_impl.hpp), instantiated for float
// and double, each in its own translation unit.
template <class Real> struct TrainingStudy {
  static TrainResult train(const TrainSpec& spec, const TrainCallbacks& callbacks);
  static EvalResult evaluate(const EvalSpec& spec);
  static AblationResult ablation(const AblationSpec& spec, const AblationCallbacks& callbacks);
};

}  // namespace otv::study
