#pragma once
// The trained-model file of `otverify train` (docs/training.md): settings, weights,
// Adam state and loss curve, as JSON. It is also the checkpoint: a file with
// completed < iterations is resumed by `otverify train --resume`. The format only:
// reading the file (with its size bound) is the CLI's (cmd_train.cpp).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "otv/transformer_gradient.hpp"

namespace otv::study {

inline constexpr const char* kModelFormat = "otverify-trained-model";
inline constexpr int kModelFormatVersion = 2;  // 2: "setup"; data "grid" (was "notebook")
inline constexpr long long kMaxTrainLayers = 1000;
inline constexpr long long kMaxTrainPoints = 256;
inline constexpr long long kMaxTrainSamples = 100000;
inline constexpr long long kMaxIterations = 100000000;

// How a model was (or is to be) trained. Decimal parameters stay text so that
// every scalar type parses the same decimal.
struct TrainSettings {
  std::string prompt = "engineered";  // engineered | plain
  std::string layout = "paper";       // paper | notebook (column order of the engineered prompt)
  std::string setup = "otverify";     // otverify | notebook (the released code's readout, u, v; docs/training.md)
  std::string data = "grid";          // grid (sorting required) | paper (sorted(x) = y)
  std::string scalar = "double";      // float | double
  long long n = 7, layers = 20, samples = 500;
  long long resample_every = 0;  // 0: one fixed set of samples
  long long iterations = 10000;
  std::uint64_t seed = 1;
  std::string learning_rate = "0.001";
  std::string mixing = "0.05";  // B = mixing * I: I/20, or -gamma I (released code)

  void validate() const;  // throws InputError
  nlohmann::json to_json() const;
};

struct ModelFile {
  TrainSettings settings;
  long long completed = 0;  // iterations done
  LayerWeights<double> weights;
  long long adam_step = 0;
  std::vector<Matrix<double>> adam_m, adam_v;  // in parameter order: layer, head, Q then w_v
  std::vector<std::pair<long long, double>> loss_curve;  // (iteration, loss before its update)
  double final_loss = 0;  // loss of the final weights on the last training samples (complete models)
  std::string command;
};

int prompt_width(const TrainSettings& s);

// Throws InputError (one line) on anything malformed: wrong format tag, missing
// or mistyped keys, shapes that do not match the prompt, non-finite numbers.
ModelFile parse_model_json(const std::string& text);
std::string model_json(const ModelFile& m);

}  // namespace otv::study
