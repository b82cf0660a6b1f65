# The full-pass mode of scripts/bench-crawl (sourced by it: $work, $port,
# $pages, $concurrency, $repeat, $build and the nginx site are set up there).
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# Sitemaps: all pages, and the first half (for the memory comparison).
write_sitemap() {  # $1 file, $2 page count
  { echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    head -n "$2" "$work/urls.txt" | sed 's|.*|<url><loc>&</loc></url>|'
    echo '</urlset>'; } >"$1"
}
half=$((pages / 2))
write_sitemap "$work/www/sitemap.xml" "$pages"
write_sitemap "$work/www/sitemap-half.xml" "$half"
chmod a+r "$work"/www/sitemap*.xml

write_config() {  # $1 dir, $2 sitemap name, $3 page count (--sources)
  mkdir -p "$1"
  cat >"$1/meetleak.toml" <<TOML
database = "meetleak.db"
[company]
zoom_domains = ["acme-corp.zoom.us"]
security_contact = "secops@acme.example"
[crawler]
concurrency = $concurrency
per_host = $concurrency       # one host: the per-host limits are lifted
delay_ms = 0
TOML
  if [ "$sources" = 0 ]; then
    printf '[[source]]\nurl = "http://127.0.0.1:%d/%s"\nkind = "sitemap"\nallow_private_addresses = true\n' \
      "$port" "$2" >>"$1/meetleak.toml"
  else  # one [[source]] per page
    head -n "$3" "$work/urls.txt" |
      sed 's|.*|[[source]]\nurl = "&"\nkind = "page"\nallow_private_addresses = true|' >>"$1/meetleak.toml"
  fi
}
write_config "$work/full" sitemap.xml "$pages"
write_config "$work/half" sitemap-half.xml "$half"
if [ "$sources" = 0 ]; then
  shape="one sitemap of $pages pages"
  { printf 'url = "http://127.0.0.1:%d/sitemap.xml"\noutput = "/dev/null"\n' "$port"; cat "$work/curl.cfg"; } \
    >"$work/curl-full.cfg"
else
  shape="$sources sources, one page each"
  cp "$work/curl.cfg" "$work/curl-full.cfg"
fi

# Runs meetleak in $1 on a fresh DB; prints "wall_s peak_rss_kb exit_code cpu_s".
run_meetleak() {
  rm -f "$1"/meetleak.db*
  /usr/bin/python3 - "$repo_bin" "$1" <<'PY'
import os, resource, shlex, subprocess, sys, time
binary, cwd = sys.argv[1], sys.argv[2]
wrap = shlex.split(os.environ.get("BENCH_WRAP", ""))  # e.g. "perf stat -o FILE", to profile
t = time.monotonic()
p = subprocess.run(wrap + [binary, "--config", "meetleak.toml", "-q", "run", "--once", "--all"], cwd=cwd)
wall = time.monotonic() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.3f} {u.ru_maxrss} {p.returncode} {u.ru_utime + u.ru_stime:.3f}")
PY
}
recorded() {  # leaks recorded in $1's DB
  /usr/bin/sqlite3 "$1/meetleak.db" "SELECT COUNT(*) FROM leak WHERE status = 'open';"
}
case "$build" in /*) repo_bin="$build/meetleak" ;; *) repo_bin="$(pwd)/$build/meetleak" ;; esac
planted=$(( (pages + 9) / 10 ))
planted_half=$(( (half + 9) / 10 ))

echo "bench-crawl --mode full ($shape): $pages pages (~30 KB, $planted planted leaks), concurrency $concurrency, $repeat round(s), nginx on 127.0.0.1:$port"
: >"$work/m.txt"; : >"$work/cpu.txt"; : >"$work/c.txt"; : >"$work/r.txt"; : >"$work/rss.txt"; : >"$work/rss-half.txt"
for ((round = 1; round <= repeat; round++)); do
  curl_wall() {
    local start end
    start=$(date +%s.%N)
    curl --parallel --parallel-max "$concurrency" --no-progress-meter -s -K "$work/curl-full.cfg" >/dev/null
    end=$(date +%s.%N)
    c_wall=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f", e-s}')
  }
  if ((round % 2)); then read -r m_wall m_rss m_rc m_cpu < <(run_meetleak "$work/full"); curl_wall
  else curl_wall; read -r m_wall m_rss m_rc m_cpu < <(run_meetleak "$work/full"); fi
  read -r _ h_rss h_rc _ < <(run_meetleak "$work/half")
  got=$(recorded "$work/full"); got_half=$(recorded "$work/half")
  if [ "$m_rc" != 1 ] || [ "$got" != "$planted" ] || [ "$h_rc" != 1 ] || [ "$got_half" != "$planted_half" ]; then
    echo "bench-crawl: planted leaks not all recorded: $got/$planted (exit $m_rc), half $got_half/$planted_half (exit $h_rc)" >&2
    exit 1
  fi
  ratio=$(awk -v m="$m_wall" -v c="$c_wall" 'BEGIN {printf "%.3f", c/m}')
  echo "round $round: meetleak run --once --all ${m_wall}s (CPU ${m_cpu}s), curl ${c_wall}s, leaks $got/$planted, peak RSS ${m_rss} KB ($pages pages) / ${h_rss} KB ($half pages), ratio $ratio"
  echo "$m_wall" >>"$work/m.txt"; echo "$c_wall" >>"$work/c.txt"; echo "$ratio" >>"$work/r.txt"
  echo "$m_cpu" >>"$work/cpu.txt"; echo "$m_rss" >>"$work/rss.txt"; echo "$h_rss" >>"$work/rss-half.txt"
done
echo "median: meetleak $(median <"$work/m.txt") s (CPU $(median <"$work/cpu.txt") s), curl $(median <"$work/c.txt") s wall; peak RSS $(median <"$work/rss-half.txt") KB at $half pages, $(median <"$work/rss.txt") KB at $pages pages"
echo "ratio $(median <"$work/r.txt")"
