#!/usr/bin/python3
"""Scaling estimate for `mpirun -n N otverify breakdown`, from a sweep's measured costs.

otverify hands out groups (one instance and reference, (lambda, n, seed), with all its
cells) largest estimated cost first to whichever worker is free (list scheduling). This
script replays that on N workers with the per-group costs a result file measured (each
cell's `seconds`, plus its group's reference ladder once) and prints, for each N, the
makespan against the ideal sum/N and against the lower bound max(sum/N, largest group).

Two orders bracket otverify's: largest measured cost first (what a perfect estimate
gives) and the file's order (no estimate at all).

usage: bench/mpi_makespan.py SWEEP.jsonl [N ...]      (default N: 1 2 4 8 16 32 64 128)
"""
import heapq
import json
import sys


def group_costs(path):
    groups = {}
    for line in open(path):
        c = json.loads(line)
        key = (c["lambda"], c["n"], c["seed"], c["layers"], c["variant"])
        g = groups.setdefault(key, {"cells": 0.0, "reference": 0.0})
        g["cells"] += c["seconds"]
        g["reference"] = sum(r["seconds"] or 0 for r in c["reference"].get("ladder", []))
    return [g["cells"] + g["reference"] for g in groups.values()]


def makespan(costs, workers):
    free = [0.0] * workers  # the time each worker becomes free
    for c in costs:
        heapq.heapreplace(free, free[0] + c)
    return max(free)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    costs = group_costs(sys.argv[1])
    ns = [int(a) for a in sys.argv[2:]] or [1, 2, 4, 8, 16, 32, 64, 128]
    total, largest = sum(costs), max(costs)
    print(f"{len(costs)} groups, {total:.1f} s of work in all, largest group {largest:.1f} s")
    print(f"{'N':>5} {'ideal sum/N':>12} {'bound':>9} {'LPT':>9} {'LPT/ideal':>10} {'file order':>11} {'file/ideal':>11}")
    lpt = sorted(costs, reverse=True)
    for n in ns:
        ideal = total / n
        bound = max(ideal, largest)
        a, b = makespan(lpt, n), makespan(costs, n)
        print(f"{n:>5} {ideal:>11.1f}s {bound:>8.1f}s {a:>8.1f}s {a / ideal:>10.2f} {b:>10.1f}s {b / ideal:>11.2f}")


if __name__ == "__main__":
    main()
