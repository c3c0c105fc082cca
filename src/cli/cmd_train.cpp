// otverify train / eval / ablation: learning the construction (paper Sec. 6).
// The studies are study/training.hpp's; here: options, files, progress, SIGINT, text.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/app_support.hpp"
#include "cli/input_file.hpp"
#include "cli/interrupt.hpp"
#include "cli/output_file.hpp"
#include "cli/progress.hpp"
#include "study/json_number.hpp"
#include "study/training.hpp"

namespace otv::cli {

using namespace otv::study;  // the training studies and the JSON spelling of doubles (study/json_number.hpp)

namespace {

using nlohmann::json;

// A model file (`--model`, `--resume`), read with the size bound of input files.
ModelFile read_model_file(const std::string& path) { return parse_model_json(read_input_file(path, "model file", kMaxJsonBytes)); }

// One training run's front end: a progress bar, SIGINT as "stop", and the model
// file `out` written atomically at every save point. A new file is refused if it
// exists (unless force) until the run has written it once; the interrupted state
// is always written.
TrainCallbacks file_callbacks(const std::string& out, const std::string& label, long long iterations, bool force, bool resuming) {
  struct State {
    std::optional<Progress> bar;
    long long shown = 0;
    bool written;
  };
  auto st = std::make_shared<State>();
  st->written = resuming;
  install_interrupt_handlers();
  TrainCallbacks cb;
  cb.progress = [st, label, iterations](long long done) {
    if (!st->bar) st->bar.emplace(label, iterations);
    st->bar->advance(done - st->shown);
    st->shown = done;
  };
  cb.should_stop = [] { return interrupted(); };
  cb.save = [st, out, force](const ModelFile& m, SavePoint at) {
    if (at != SavePoint::checkpoint && st->bar) st->bar->finish();
    write_file_atomically(out, model_json(m), at == SavePoint::interrupted || st->written || force);
    if (at == SavePoint::checkpoint) st->written = true;
  };
  return cb;
}

// The options that define a training run, registered on train and ablation.
void add_training_options(CLI::App* cmd, TrainSettings& s, bool with_prompt_and_seed) {
  add_integer(cmd, "--n", s.n, "number of points per training sample (default 7)");
  add_integer(cmd, "--layers", s.layers, "number of layers (default 20)");
  cmd->add_option("--setup", s.setup, "otverify (default: read the output column of Z^(L), u = v = 0) or notebook (the released code: "
                                      "attention readout after L-1 layers, random u, v per sample; sets the defaults marked 'notebook')")->type_name("NAME");
  add_integer(cmd, "--iters", s.iterations, "Adam iterations (default 10000; notebook 5000)");
  add_integer(cmd, "--samples", s.samples, "training samples (default 500; notebook 1000)");
  cmd->add_option("--data", s.data, "data setting: grid (default: x n distinct values of {0, 1/50, .., 49/50}, y_i = i/n: sorting is "
                                    "required) or paper (x a permutation of {1/n..1}: sorted(x) = y, a model can copy y)")->type_name("NAME");
  add_integer(cmd, "--resample-every", s.resample_every, "redraw the samples every K iterations (0: never; default 0, notebook 50)");
  cmd->add_option("--lr", s.learning_rate, "Adam step size (default 0.001; notebook 0.0005)")->type_name("NUMBER");
  cmd->add_option("--mixing", s.mixing, "B = mixing * I: a nonzero decimal, 'paper' (0.05 = I/20, default) or 'notebook' "
                                        "(the released code's -gamma I, gamma = 0.1; notebook default)")->type_name("NUMBER|NAME");
  cmd->add_option("--layout", s.layout, "column order of the engineered prompt: paper (default) or notebook")->type_name("NAME");
  cmd->add_option("--scalar", s.scalar, "float or double (default double)")->type_name("TYPE");
  if (with_prompt_and_seed) {
    cmd->add_option("--prompt", s.prompt, "engineered (eq. 6, default) or plain ([x, y, 0], eq. 12)")->type_name("NAME");
    add_integer(cmd, "--seed", s.seed, "seed of the data and the initial weights (default 1)", std::uint64_t{0}, kMaxSeed);
  }
}

// --setup notebook changes the defaults of the options the user did not give.
void apply_setup_defaults(const CLI::App* cmd, TrainSettings& s) {
  study::apply_setup_defaults(s, {.iterations = cmd->count("--iters") > 0, .samples = cmd->count("--samples") > 0,
                                  .resample_every = cmd->count("--resample-every") > 0, .learning_rate = cmd->count("--lr") > 0,
                                  .mixing = cmd->count("--mixing") > 0});
}

std::string settings_command(const char* sub, const TrainSettings& s) {
  return fmt::format("otverify {} --setup {} --n {} --layers {} --iters {} --samples {} --data {} --resample-every {} --lr {} --mixing {} --layout {} --scalar {}",
                     sub, s.setup, s.n, s.layers, s.iterations, s.samples, s.data, s.resample_every, s.learning_rate, s.mixing, s.layout, s.scalar);
}

std::vector<std::uint64_t> parse_seeds(const std::string& text) {
  const auto seeds = parse_integer_list<std::uint64_t>(text, "--seeds", 0, kMaxSeed);
  validate_seeds(seeds);
  return seeds;
}

void print_train_text(const ModelFile& m, const std::string& out) {
  fmt::print("otverify train: {} prompt, {} setup, n = {}, {} layers, {} samples ({} data), {} iterations in {}, seed {}\n", m.settings.prompt,
             m.settings.setup, m.settings.n, m.settings.layers, m.settings.samples, m.settings.data, m.completed, m.settings.scalar, m.settings.seed);
  if (m.settings.data == "paper")
    fmt::print("note: --data paper has sorted(x) = y for every sample; a low training loss may mean copying y (check with otverify eval)\n");
  if (!m.loss_curve.empty()) fmt::print("loss: first {:.6g}, last iteration {:.6g}\n", m.loss_curve.front().second, m.loss_curve.back().second);
  fmt::print("final loss (final weights, training samples): {:.6g}\nwritten: {}\n", m.final_loss, out);
}

void print_matrix(const json& rows) {
  for (const auto& row : rows) {
    for (const auto& a : row) fmt::print(" {:6.3f}", number_of(a));
    fmt::print("\n");
  }
}

void print_eval_text(const json& j) {
  fmt::print("otverify eval: {} prompt trained at n = {} ({} iterations), evaluated at n = {} on {} samples ({})\n",
             text_of(j["model"]["prompt"]), text_of(j["model"]["n"]), text_of(j["completed"]), text_of(j["n"]), text_of(j["samples"]),
             text_of(j["scalar"]));
  if (j.contains("training_data_note")) fmt::print("note: {}\n", text_of(j["training_data_note"]));
  fmt::print("held-out instances ({})\n", text_of(j["held_out"]));
  fmt::print("readout vs sorted x: mse {:.4g}, mean max |error| {:.4g}, max |error| {:.4g}\n",
             number_of(j["readout"]["mse"]), number_of(j["readout"]["mean_max_abs_error"]), number_of(j["readout"]["max_abs_error"]));
  const auto& sc = j["sorting"];
  fmt::print("readout vs y: mse {:.4g}; baselines vs sorted x: copy y {:.4g}, mean of x {:.4g}\nverdict: {}\n", number_of(sc["mse_to_y"]),
             number_of(sc["copy_y_baseline"]), number_of(sc["mean_baseline"]), text_of(sc["verdict"]));
  fmt::print("attention A^(l) (eq. 10) vs P*: mean row total-variation distance\n layer   head 1   head 2\n");
  for (const auto& l : j["layers"])
    fmt::print(" {:5}   {:6.3f}   {:6.3f}\n", l["layer"].get<int>(), number_of(l["distance_to_p_star"][0]), number_of(l["distance_to_p_star"][1]));
  if (j["n"].get<long long>() <= 16) {
    fmt::print("last layer, head 1:\n");
    print_matrix(j["layers"].back()["head1"]);
    fmt::print("P*:\n");
    print_matrix(j["p_star"]);
  }
}

void print_ablation_text(const json& j) {
  fmt::print("otverify ablation (Figure 4): engineered vs plain prompt, seeds {}\n", j["settings"]["seeds"].dump());
  for (const char* p : {"engineered", "plain"})
    fmt::print("{:<10} final loss mean {:.4g} (sd {:.2g}, min {:.4g}, max {:.4g})\n", p, number_of(j[p]["final_loss_mean"]),
               number_of(j[p]["final_loss_sd"]), number_of(j[p]["final_loss_min"]), number_of(j[p]["final_loss_max"]));
  if (j.contains("data_note")) fmt::print("note: {}\n", text_of(j["data_note"]));
  fmt::print("ratio plain / engineered (final training loss): {:.4g} (bootstrap 95% over seeds {:.3g} .. {:.3g})\n", number_of(j["ratio"]),
             number_of(j["ratio_ci95"][0]), number_of(j["ratio_ci95"][1]));
  fmt::print("held-out (sorted(x) != y), mse vs sorted x, mean over seeds [copy-y baseline, mean-of-x baseline]:\n");
  for (const auto& [prompt, per_n] : j["generalisation"].items()) {
    fmt::print("{:<10}", prompt);
    for (const auto& [n, g] : per_n.items())
      fmt::print("  n={}: {:.4g} (vs y {:.3g}) [{:.3g}, {:.3g}] {}", n, number_of(g["mse_mean"]), number_of(g["mse_to_y_mean"]),
                 number_of(g["copy_y_baseline"]), number_of(g["mean_baseline"]), g["verdicts"].dump());
    fmt::print("\n");
  }
  for (const auto& [n, r] : j["held_out_ratio"].items())
    fmt::print("held-out ratio plain / engineered at n = {}: {:.4g} (95% {:.3g} .. {:.3g}){}\n", n, number_of(r["ratio"]), number_of(r["ci95"][0]),
               number_of(r["ci95"][1]), r["plain_wins"].get<bool>() ? ": plain wins" : "");
  for (const auto& [n, f] : j["figure3"].items()) {
    fmt::print("Figure 3, n = {}: distance of A^(l) to P* (head 1, head 2):", n);
    for (std::size_t k = 0; k < f["layers"].size(); ++k)
      fmt::print("  l={}: {:.3f}, {:.3f}", f["layers"][k].get<int>(), number_of(f["distance_to_p_star"][k][0]),
                 number_of(f["distance_to_p_star"][k][1]));
    fmt::print("\n  readout Q on Z^(l) vs P*^T (the notebook's Figure 3):");
    for (std::size_t k = 0; k < f["readout_states"].size(); ++k)
      fmt::print("  l={}: {:.3f}", f["readout_states"][k].get<int>(), number_of(f["readout_distance_to_p_star_t"][k]));
    fmt::print("\n");
  }
  const auto& c = j["constructed"];
  if (!c["loss"].is_null())
    fmt::print("constructed weights (eq. 8, lambda {}, gamma {}): loss {:.4g} (trained {:.4g}); gradient norm {:.3g}; descent step {}\n",
               text_of(c["lambda"]), text_of(c["gamma"]), number_of(c["loss"]), number_of(c["trained_loss"]),
               number_of(c["gradient_norm"]), c["descent_step"].dump());
  fmt::print("trained Q vs constructed Q (heads matched per layer): relative distance {:.4g}", number_of(c["q_distance"]));
  if (c.contains("q_cosine")) fmt::print(", norm ratio {:.3g}, cosine {:.3g}", number_of(c["q_norm_ratio"]), number_of(c["q_cosine"]));
  fmt::print("\n");
  if (c.contains("held_out"))
    for (const auto& [n, h] : c["held_out"].items())
      fmt::print("constructed weights, held-out n = {}: mse vs sorted x {:.4g} [copy y {:.3g}, mean {:.3g}]: {}\n", n, number_of(h["mse_sorted"]),
                 number_of(h["copy_y_baseline"]), number_of(h["mean_baseline"]), text_of(h["verdict"]));
}

}  // namespace

void register_train(CLI::App& app, Registry& r) {
  {
    auto s = std::make_shared<TrainSettings>();
    struct TrainOptions {
      std::string out;
      bool resume = false, force = false;
      long long checkpoint_every = 100;
    };
    auto run = std::make_shared<TrainOptions>();
    auto as_json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("train", "train the eq. (7) transformer on sorting data (paper Sec. 6)");
    add_training_options(cmd, *s, true);
    cmd->add_option("--out", run->out, "model file (weights, Adam state, loss curve); also the checkpoint")->required()->type_name("FILE");
    cmd->add_flag("--resume", run->resume, "continue the run checkpointed in --out (its settings; --iters may extend it)");
    cmd->add_flag("--force", run->force, "overwrite an existing --out");
    add_integer(cmd, "--checkpoint-every", run->checkpoint_every, "iterations between checkpoints (default 100; 0: only at the end)");
    cmd->add_flag("--json", *as_json, "print the model file's summary as JSON");
    add_exp_option(cmd);
    cmd->footer("Example: otverify train --n 7 --layers 20 --iters 10000 --samples 500 --prompt engineered --seed 1 --out model.json\n"
                "SIGINT saves a checkpoint and exits 3; rerun with --resume to continue.");
    r.push_back({cmd, [cmd, s, run, as_json] {
      if (run->checkpoint_every < 0) throw InputError("--checkpoint-every must be >= 0");
      apply_setup_defaults(cmd, *s);
      TrainSpec spec;
      if (run->resume) {
        if (!std::filesystem::exists(run->out)) throw InputError("--resume: no checkpoint " + run->out);
        const ModelFile& prev = spec.resume.emplace(read_model_file(run->out));
        TrainSettings merged = prev.settings;
        if (cmd->count("--iters")) merged.iterations = s->iterations;
        const json given = s->to_json(), stored = merged.to_json();
        for (const auto& [key, opt] : std::initializer_list<std::pair<const char*, const char*>>{
                 {"setup", "--setup"}, {"n", "--n"}, {"layers", "--layers"}, {"samples", "--samples"}, {"data", "--data"}, {"resample_every", "--resample-every"},
                 {"learning_rate", "--lr"}, {"mixing", "--mixing"}, {"layout", "--layout"}, {"scalar", "--scalar"}, {"prompt", "--prompt"},
                 {"seed", "--seed"}})
          if (cmd->count(opt) && given[key] != stored[key])
            throw InputError(std::string(opt) + " " + text_of(given[key]) + " differs from the checkpoint's " + text_of(stored[key]) +
                             "; --resume continues the checkpointed run unchanged");
        *s = merged;
      }
      s->validate();
      spec.settings = *s;
      spec.checkpoint_name = run->out;
      spec.checkpoint_every = run->checkpoint_every;
      spec.command = settings_command("train", *s) + fmt::format(" --prompt {} --seed {} --out {}", s->prompt, s->seed, run->out);
      if (!run->resume) require_writable(run->out, run->force);
      const TrainResult trained =
          study::train(spec, file_callbacks(run->out, "train", s->iterations, run->force, run->resume));
      const ModelFile& m = trained.model;
      if (trained.stopped) {
        std::cerr << "otverify: interrupted; checkpoint " << run->out << " holds " << m.completed << " iterations (rerun with --resume)\n";
        return kExitInterrupted;
      }
      if (*as_json) {
        json j = {{"settings", s->to_json()}, {"completed", m.completed}, {"final_loss", m.final_loss}, {"out", run->out},
                  {"first_loss", m.loss_curve.empty() ? json(nullptr) : json(m.loss_curve.front().second)}};
        std::cout << with_nonfinite_names(j).dump(2) << "\n";
      } else {
        print_train_text(m, run->out);
      }
      return kExitOk;
    }});
  }
  {
    struct EvalOptions {
      std::string model;
      long long n = 0, samples = 100;
      std::uint64_t seed = 1;
      bool json = false;
    };
    auto o = std::make_shared<EvalOptions>();
    auto* cmd = app.add_subcommand("eval", "score a trained model on held-out instances (sorted(x) != y, n <= 50): mse vs sorted x and vs y, "
                                           "the copy-y and mean-of-x baselines, the sorting verdict; attention patterns per layer, P* beside");
    cmd->add_option("--model", o->model, "model file written by otverify train")->required()->type_name("FILE");
    add_integer(cmd, "--n", o->n, "number of points (default or 0: the training n)");
    add_integer(cmd, "--samples", o->samples, "held-out instances (default 100)");
    add_integer(cmd, "--seed", o->seed, "seed of the held-out instances (default 1; a stream disjoint from every training draw)", std::uint64_t{0}, kMaxSeed);
    cmd->add_flag("--json", o->json, "print one JSON object instead of text");
    add_exp_option(cmd);
    cmd->footer("Example: otverify eval --model model.json --n 9");
    r.push_back({cmd, [o] {
      const ModelFile m = read_model_file(o->model);
      const json j = to_json(evaluate({m, o->n, o->samples, o->seed}));
      emit(j, o->json, print_eval_text);
      return kExitOk;
    }});
  }
  {
    struct AblationOptions {
      AblationSpec spec;
      std::string out;
      bool force = false;
    };
    auto o = std::make_shared<AblationOptions>();
    auto seeds = std::make_shared<std::string>("1,2,3");
    auto as_json = std::make_shared<bool>(false);
    o->spec.base.iterations = 2000;
    o->spec.base.samples = 100;
    auto* cmd = app.add_subcommand("ablation", "prompt-engineering ablation (Figure 4), Figure 3 patterns, and the constructed weights compared");
    add_training_options(cmd, o->spec.base, false);
    cmd->get_option("--iters")->description("Adam iterations per run (default 2000)");
    cmd->get_option("--samples")->description("training samples per run (default 100)");
    cmd->add_option("--seeds", *seeds, "training seeds, the same for both prompts (default 1,2,3)")->type_name("LIST");
    cmd->add_option("--out", o->out, "result JSON (docs/training.md)")->required()->type_name("FILE");
    cmd->add_option("--models-dir", o->spec.models_dir, "trained models and checkpoints (default: <out>-models); existing ones are resumed or reused")->type_name("DIR");
    add_integer(cmd, "--figure-seed", o->spec.figure_seed, "seed of the held-out instances: the one shown in Figures 3 and 4 and the 100 per n scored (default 1; training is not affected)", std::uint64_t{0}, kMaxSeed);
    add_integer(cmd, "--checkpoint-every", o->spec.checkpoint_every, "iterations between checkpoints (default 100)");
    cmd->add_flag("--force", o->force, "overwrite --out and retrain models with other settings");
    cmd->add_flag("--json", *as_json, "print the result JSON");
    add_exp_option(cmd);
    cmd->footer("Example: otverify ablation --iters 600 --samples 100 --seeds 1,2,3 --out reports/models/ablation.json   (the cached ablation)");
    r.push_back({cmd, [cmd, o, seeds, as_json] {
      apply_setup_defaults(cmd, o->spec.base);
      if (cmd->count("--iters") == 0 && o->spec.base.setup != "notebook") o->spec.base.iterations = 2000;
      o->spec.base.validate();
      o->spec.seeds = parse_seeds(*seeds);
      if (o->spec.checkpoint_every < 0) throw InputError("--checkpoint-every must be >= 0");
      if (o->spec.models_dir.empty()) {
        const std::filesystem::path p(o->out);
        o->spec.models_dir = (p.parent_path() / (p.stem().string() + "-models")).string();
      }
      o->spec.command = settings_command("ablation", o->spec.base) + fmt::format(" --seeds {} --figure-seed {} --models-dir {} --out {}", *seeds,
                                                                       o->spec.figure_seed, o->spec.models_dir, o->out);
      o->spec.retrain = o->force;
      require_writable(o->out, o->force);
      std::filesystem::create_directories(o->spec.models_dir);
      AblationCallbacks callbacks;
      callbacks.stored = [](const AblationRun& run) -> std::optional<ModelFile> {
        if (!std::filesystem::exists(run.file)) return std::nullopt;
        return read_model_file(run.file);
      };
      callbacks.training = [o](const AblationRun& run, bool resuming) {
        if (!resuming) require_writable(run.file, o->force);
        return file_callbacks(run.file, run.label, o->spec.base.iterations, o->force, resuming);
      };
      const AblationResult result = ablation(o->spec, callbacks);
      if (result.stopped) {
        std::cerr << "otverify: interrupted; finished models and the checkpoint are in " << o->spec.models_dir << " (rerun to continue)\n";
        return kExitInterrupted;
      }
      const json j = to_json(result);
      write_file_atomically(o->out, with_nonfinite_names(j).dump(1) + "\n", o->force);
      emit(j, *as_json, print_ablation_text);
      return kExitOk;
    }});
  }
}

}  // namespace otv::cli
