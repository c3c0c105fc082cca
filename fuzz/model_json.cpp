// Fuzzes the reader of trained-model JSON (otverify eval --model, train --resume).
#include "cli/model_file.hpp"
#include "fuzz_target.hpp"

void fuzz_one(const std::string& text) { (void)otv::cli::parse_model_json(text); }
