#!/usr/bin/env bash
# Seconds from starting `linkeddata serve` until its first successful SPARQL ASK, parsing the sources and opening a
# built store, alternately, REPEATS times each (bounded: each wait gives up after 300 s).
#   bash bench/startup.sh ROOT STORE [PORT] [REPEATS]        (build STORE first: linkeddata build --root ROOT --store STORE)
set -euo pipefail
ROOT=$1; STORE=$2; PORT=${3:-8142}; REPEATS=${4:-3}
LD=${LINKEDDATA:-.venv/bin/linkeddata}
ASK="http://127.0.0.1:$PORT/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"
for round in $(seq "$REPEATS"); do
  for mode in parse store; do
    extra=(); [[ $mode == store ]] && extra=(--store "$STORE")
    t0=$(date +%s.%N)
    "$LD" serve --root "$ROOT" --host 127.0.0.1 --port "$PORT" "${extra[@]}" >/dev/null 2>&1 & pid=$!
    ready=""
    for _ in $(seq 3000); do
      if curl -s -o /dev/null -f -H 'Accept: application/sparql-results+json' "$ASK"; then ready=$(date +%s.%N); break; fi
      kill -0 $pid 2>/dev/null || break
      sleep 0.1
    done
    rss=$(ps -o rss= --ppid $pid --pid $pid | awk '{s+=$1} END {printf "%.0f", s/1024}')
    kill $pid; wait $pid 2>/dev/null || true
    echo "round $round $mode: ready in $(python3 -c "print(round(${ready:-0} - $t0, 2) if '${ready}' else 'never')") s, RSS ${rss} MiB, load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
