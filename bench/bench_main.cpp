// Entry point of bench_forward_pass; the cases register themselves from the
// generated per-scalar translation units.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
