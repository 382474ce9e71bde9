#!/usr/bin/env bash
# Installs what caro skills needs on a fresh machine that has only Node.js/npm
# and Debian's apt: Deno from npm, and the real tools the tests drive.
# Safe to run again: it installs only what is missing.
set -uo pipefail
DENO_VERSION=2.9.6
if ! command -v deno >/dev/null 2>&1 || ! deno --version | grep -q "^deno ${DENO_VERSION} "; then
  echo "--- installing deno ${DENO_VERSION} from npm"
  npm install -g "deno@${DENO_VERSION}" >/dev/null 2>&1 || { echo "npm install of deno failed"; exit 1; }
fi
deno --version | head -1

# Tools the tests drive for real: git (+ http-backend), tmux for prompts, gnupg
# for OpenPGP keys, zip/unzip for archives, docker-registry for OCI, bubblewrap
# and strace for the sandbox and its differential test, zsh and fish for completions.
packages=(git tmux gnupg zip unzip docker-registry bubblewrap strace zsh fish)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "--- apt-get install ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || echo "warning: apt-get install of ${missing[*]} failed; tests that need them will fail"
fi
git config --global user.email >/dev/null 2>&1 || git config --global user.email "ci@caro.invalid"
git config --global user.name >/dev/null 2>&1 || git config --global user.name "caro ci"

