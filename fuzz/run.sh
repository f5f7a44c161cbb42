#!/usr/bin/env bash
# Runs each fuzz target for a bounded time: fuzz/run.sh [SECONDS per target, default 60].
# Needs cargo-fuzz (installed here if missing). A crash stops the run with libFuzzer's report and
# the input under fuzz/artifacts/; reproduce it with `cargo fuzz run TARGET fuzz/artifacts/...`.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
# cargo-fuzz passes -Z flags (sanitizer, coverage); this lets the stable toolchain take them.
export RUSTC_BOOTSTRAP=1
target_dir="${CARGO_TARGET_DIR:-$PWD/target}/fuzz"

# Seeds: a real age file to a fresh X25519 key, and an envelope around it; made here, not kept.
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
mkdir -p "$seeds/age_header" "$seeds/envelope" "$seeds/evidence_strip" corpus/age_header \
  corpus/envelope corpus/evidence_strip
age-keygen -o "$seeds/key" 2>/dev/null
recipient=$(age-keygen -y "$seeds/key")
printf '{"schema":"resguardo.report.v1","narrative":"semilla","pad":""}' |
  age -r "$recipient" >"$seeds/age_header/seed"
ciphertext=$(base64 -w0 "$seeds/age_header/seed")
printf '{"ciphertext":"%s","receipt":{"lookup":"AAAAAAAAAAAAAAAAAAAAAA==","verifier":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},"reply_recipient":"%s","pow":{"challenge":"%s","nonce":7}}' \
  "$ciphertext" "$recipient" "$(head -c 58 /dev/zero | base64 -w0)" >"$seeds/envelope/seed"

# A small PNG with a text chunk to remove (the fuzzer finds JPEG's and WebP's magic by itself).
python3 - "$seeds/evidence_strip/seed.png" <<'PY'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
rows = b"".join(b"\0" + bytes([x * 16, 0, 200]) * 4 for x in range(4))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
       + chunk(b"tEXt", b"Author\0semilla") + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PY

for target in envelope age_header evidence_strip; do
  echo "fuzzing $target for ${seconds}s"
  cargo fuzz run --target-dir "$target_dir" "$target" "corpus/$target" "$seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=300000 -print_final_stats=1
done
