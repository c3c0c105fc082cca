#!/usr/bin/env bash
# The layers include downward only: src/otv (numerics) sees neither src/study nor
# src/cli; src/study sees src/otv and never src/cli; the fuzzers link the study layer.
# And the one rounding model: its constant c_d = 4d + 14 appears in the C++ only in
# src/otv/error_model.hpp, and bench/compare (Python) states the same.
set -u
root=${1:?usage: layering.sh <source root>}
cd "$root" || exit 2
fail=0
check() {  # check <description> <matches...>
  local what=$1; shift
  if [ "$#" -gt 0 ]; then echo "FAIL: $what:"; printf '  %s\n' "$@"; fail=1; else echo "ok: $what"; fi
}
mapfile -t up < <(grep -rnE '#include *"(study|cli)/' src/otv)
check "src/otv includes nothing of src/study or src/cli" "${up[@]}"
mapfile -t up < <(grep -rnE '#include *"cli/' src/study)
check "src/study includes nothing of src/cli" "${up[@]}"
mapfile -t up < <(grep -rnE '#include *"cli/|OTV_SRC\}/cli' fuzz --include='*.cpp' --include='*.hpp' --include='CMakeLists.txt')
check "the fuzzers use no CLI source" "${up[@]}"
mapfile -t up < <(grep -rnE '4 \* *(d|inst\.d\(\)|[0-9]+) *\+ *14|3 \* d \+ 8' src proofs_checks property_tests --include='*.hpp' --include='*.cpp' | grep -v '^src/otv/error_model.hpp:')
check "c_d is written only in src/otv/error_model.hpp" "${up[@]}"
# c_d = a d + b in the C++, a * 1 + b in bench/compare (its instances have d = 1).
cpp=$(sed -nE 's/.*score_roundings\(int d\) \{ return ([0-9]+) \* d \+ ([0-9]+);.*/\1 \2/p' src/otv/error_model.hpp)
py=$(sed -nE 's/^ *c_d = ([0-9]+) \* 1 \+ ([0-9]+).*/\1 \2/p' bench/compare)
if [ -n "$cpp" ] && [ "$cpp" = "$py" ]; then echo "ok: bench/compare's c_d is src/otv/error_model.hpp's ($cpp)"
else echo "FAIL: c_d in src/otv/error_model.hpp ('$cpp') and bench/compare ('$py') differ"; fail=1; fi
exit $fail
