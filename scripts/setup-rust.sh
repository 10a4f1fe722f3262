#!/usr/bin/env bash
# Installs the Debian crate sources that the Rust fixtures (and the lint benchmark corpus) build
# against offline, see ../shared/reference/offline-rust.md. Idempotent: a machine that has them all
# skips apt entirely. Needs root (CI runs as root).
set -euo pipefail

fixture_packages=(
  librust-tokio-dev librust-tracing-dev librust-tracing-subscriber-dev librust-serde-json-dev
  librust-futures-dev librust-parking-lot-dev librust-tokio-util-dev librust-tokio-stream-dev
  librust-anyhow-dev librust-async-trait-dev librust-rayon-dev
)
# Extra crates that only widen the benchmark corpus (hyper, h2, tower and friends).
corpus_packages=(librust-hyper-dev librust-h2-dev librust-tower-dev librust-reqwest-dev)

wanted=("${fixture_packages[@]}")
if_possible=false
for arg in "$@"; do
  case "$arg" in
    --corpus) wanted+=("${corpus_packages[@]}") ;;
    --if-possible) if_possible=true ;; # `npm test` on a machine without root/apt: warn, don't fail
  esac
done

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  echo "setup-rust: all ${#wanted[@]} crate packages already installed" >&2
  exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  message="setup-rust: need root and apt-get to install ${missing[*]}"
  if $if_possible && [[ -z "${CI:-}" ]]; then
    echo "$message; the Rust fixture tests will be skipped" >&2
    exit 0
  fi
  echo "$message" >&2
  exit 1
fi
echo "setup-rust: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-rust: done" >&2
