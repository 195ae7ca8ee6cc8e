#!/bin/sh
# Extracts Leap's compiled reference contracts (eosio.bios, eosio.msig, eosio.system, eosio.token,
# eosio.wrap: .wasm + .abi) from a Leap checkout or a bare/mirror git directory into a folder
# OUTSIDE this repository, for the oracle tests (PEEROS_LEAP_CONTRACTS=<folder>). Third-party
# binaries are never committed here.
#
#   scripts/leap-contracts.sh <leap checkout or git dir> <out folder> [git revision, default HEAD]
#   e.g. scripts/leap-contracts.sh /work/.mirror/AntelopeIO+leap/repo /tmp/leap-contracts
#        PEEROS_LEAP_CONTRACTS=/tmp/leap-contracts node scripts/test.mjs leap-contracts
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 <leap checkout or git dir> <out folder> [revision]" >&2
  exit 64
fi
src=$1
out=$2
rev=${3:-HEAD}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$(dirname "$out")"
case "$(cd "$(dirname "$out")" && pwd)/$(basename "$out")/" in
  "$here"/*) echo "$0: refusing to write third-party binaries inside the repository ($out)" >&2; exit 65 ;;
esac
mkdir -p "$out"
# where each contract lives in Leap's tree (v5: bios under libraries/testing, the rest in unittests)
for path in \
  libraries/testing/contracts/eosio.bios/eosio.bios \
  unittests/contracts/eosio.msig/eosio.msig \
  unittests/contracts/eosio.system/eosio.system \
  unittests/contracts/eosio.token/eosio.token \
  unittests/contracts/eosio.wrap/eosio.wrap; do
  name=$(basename "$path")
  for ext in wasm abi; do
    if [ -f "$src/$path.$ext" ]; then
      cp "$src/$path.$ext" "$out/$name.$ext"
    else
      git -C "$src" show "$rev:$path.$ext" > "$out/$name.$ext"
    fi
  done
  echo "$out/$name.wasm ($(wc -c < "$out/$name.wasm") bytes), $out/$name.abi"
done
