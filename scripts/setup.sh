#!/usr/bin/env bash
# Installs what otverify needs from Debian 12 packages, only what is missing.
# Idempotent; run as root (or with sudo available).
set -euo pipefail
packages=(build-essential cmake ninja-build libboost-dev libmpfr-dev libgmp-dev libmpfi-dev
          libeigen3-dev libsleef-dev pkg-config librapidcheck-dev catch2 nlohmann-json3-dev libcli11-dev libfmt-dev
          libbenchmark-dev python3 python3-numpy python3-mpmath python3-pot chromium
          pybind11-dev python3-pybind11 python3-pytest  # the Python module (python/) and its tests
          openmpi-bin libopenmpi-dev  # optional: mpirun otverify breakdown | theorem1 --trials
          clang libclang-rt-14-dev)  # fuzz/: libFuzzer with ASan + UBSan
# otverify report's front-end (Vega-Lite, inlined) and its browser check need node and npm.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The report's front-end libraries, from the npm registry at the versions of reports/package-lock.json.
reports_dir="$(cd "$(dirname "$0")/../reports" && pwd)"
# Also when package.json gained a dependency that an older node_modules lacks.
if [ ! -d "$reports_dir/node_modules" ] || ! (cd "$reports_dir" && node -e '
    const p = require("./package.json");
    const names = Object.keys(Object.assign({}, p.dependencies, p.devDependencies));
    process.exit(names.every((n) => require("fs").existsSync("node_modules/" + n + "/package.json")) ? 0 : 1);'); then
  echo "setup: npm ci in reports/"
  (cd "$reports_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
