#!/usr/bin/env bash
# Coverage-guided fuzzing of the admin protocol's line buffer and request parser with
# libFuzzer (swiftc -sanitize=fuzzer,address), on Fuzz/ProtocolFuzz.
#   deploy/fuzz.sh [SECONDS]        default 60; deploy/test.sh runs it for PARTSD_FUZZ_SECONDS (15)
# The corpus grows in .build-fuzz/corpus (seeded from Fuzz/corpus); a crash leaves its input
# in .build-fuzz/ as crash-*, and the run fails. To keep a crash as a regression input, copy
# it into Fuzz/corpus: the plain build of protocol-fuzz replays that folder
# (`swift run protocol-fuzz Fuzz/corpus`). For a long run: deploy/fuzz.sh 3600.
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
seconds=${1:-60}
cd "$PARTSD_ROOT"
scratch=.build-fuzz
# SwiftPM gives an executable a main of its own, so libFuzzer comes without its main
# (fuzzer_no_main) and protocol-fuzz hands its command line to LLVMFuzzerRunDriver.
fuzzer=$(find "$(dirname "$(dirname "$(command -v swiftc)")")/lib/clang" -name 'libclang_rt.fuzzer_no_main-x86_64.a' | head -n 1)
[[ -n $fuzzer ]] || die "libFuzzer (libclang_rt.fuzzer_no_main) not found in the Swift toolchain"
log "building protocol-fuzz with coverage, AddressSanitizer and libFuzzer"
swift build --scratch-path "$scratch" --product protocol-fuzz \
    -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
    -Xlinker --whole-archive -Xlinker "$fuzzer" -Xlinker --no-whole-archive -Xlinker -lstdc++ \
    -Xlinker --export-dynamic-symbol=LLVMFuzzerRunDriver 2>&1 |
    grep -vE 'ld.gold: warning: Cannot export local symbol' | tail -n 3 || true
binary=$(swift build --scratch-path "$scratch" --show-bin-path)/protocol-fuzz
[[ -x $binary ]] || die "protocol-fuzz did not build"
mkdir -p "$scratch/corpus"
cp -n Fuzz/corpus/* "$scratch/corpus/" 2>/dev/null || true
log "fuzzing for $seconds s"
# -rss_limit_mb: a run that grows without bound is a failure too.
"$binary" -max_total_time="$seconds" -rss_limit_mb=1024 -max_len=4096 -timeout=10 \
    -artifact_prefix="$scratch/" -print_final_stats=1 "$scratch/corpus" 2>&1 | tail -n 12
