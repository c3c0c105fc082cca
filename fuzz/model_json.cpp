// Fuzzes the reader of trained-model JSON (otverify eval --model, train --resume);
// seeds written by `otverify train` (n = 2 engineered, n = 3 plain, n = 3 notebook setup, one cut short).
#include "study/model_file.hpp"
#include "fuzz_target.hpp"

void fuzz_one(const std::string& text) { (void)otv::study::parse_model_json(text); }
