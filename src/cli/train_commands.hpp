#pragma once
// The training commands (train, eval, ablation), one class template instantiated
// for float and double in generated translation units (src/cli/instantiate.cpp.in).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "study/model_file.hpp"

namespace otv::cli {

using namespace otv::study;  // the model-file format these commands read and write

// A model file (`--model`, `--resume`), read with the size bound of input files.
ModelFile read_model_file(const std::string& path);

struct TrainRun {
  TrainSettings settings;
  std::string out;
  bool resume = false, force = false;
  long long checkpoint_every = 100;  // iterations between checkpoints (the model file)
  std::string command;               // recorded in the model file
  std::string label = "train";       // progress label
};

struct AblationOptions {
  TrainSettings base;                // prompt is set per run
  std::vector<std::uint64_t> seeds;  // training seeds, the same for both prompts
  std::string out, models_dir;
  bool force = false;
  long long checkpoint_every = 100;
  std::uint64_t figure_seed = 1;     // instance of Figures 3 and 4
  std::string construct_lambda = "0.005";
  std::vector<std::string> construct_gammas{"0.0001", "0.001", "0.01", "0.05", "0.1", "0.5", "1"};
  std::string command;
};

template <class Real> struct TrainCommands {
  // Trains (or resumes) and writes r.out; returns kExitOk or kExitInterrupted.
  static int train(const TrainRun& r, ModelFile& result);
  // Readout error on `samples` instances at size n and per-layer attention
  // patterns on one instance, P* beside.
  static nlohmann::json eval(const ModelFile& m, long long n, long long samples, std::uint64_t seed);
  // Engineered vs plain prompt (Figure 4), Figure 3, and the constructed weights.
  static int ablation(const AblationOptions& o, nlohmann::json& result);
};

}  // namespace otv::cli
