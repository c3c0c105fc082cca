#pragma once
// otverify breakdown, merge and advise around the breakdown study
// (study/breakdown_sweep.hpp): the option lists, the memory guard, the certified
// P_lambda* the study compares with, and the printed tables.
#include <string>
#include <vector>

#include "study/breakdown_sweep.hpp"

namespace otv::cli {

using study::CellId;
using study::Group;
using study::SweepOptions;

// Parses and checks the comma lists of --n, --scalars and --softmax; throws InputError.
void set_sweep_lists(SweepOptions& o, const std::string& ns_text, const std::string& scalars_text, const std::string& softmax_text);

// Memory guard (InputError) for `jobs` workers, each at the sweep's largest n
// on the reference ladder's second rung, 2 (p_max + 32) bits, which every
// ladder runs. A ladder that needs further doublings needs more; the guard
// cannot know that beforehand.
void require_sweep_memory(const SweepOptions& o, long long jobs);

// The text tables of a BreakdownSummary's parts (study/breakdown_summary.hpp).
void print_threshold_table(const std::vector<study::CurveThreshold>& t);
void print_search_summary(const study::SearchSummary& s);
void print_depth_summary(const std::vector<study::DepthCurve>& d);

}  // namespace otv::cli
