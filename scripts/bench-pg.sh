# A throwaway PostgreSQL 15 for the benchmarks (sourced by scripts/bench-db
# and scripts/bench-workers): initdb and pg_ctl as the postgres user, in a
# temporary directory, on a free loopback port, default settings (fsync and
# synchronous_commit on), trust authentication on loopback only. Sets
# $pg_work (the directory, for the caller's own files too), $pg_port,
# $pg_bin; pg_createdb NAME makes a database; pg_stop (also run on exit,
# through the caller's EXIT trap) stops the server and removes the directory.
scripts/setup-deps postgresql
pg_bin=/usr/lib/postgresql/15/bin
pg_work=$(mktemp -d /tmp/meetleak-bench-pg.XXXXXX)
chmod 755 "$pg_work"
chown postgres "$pg_work"
pg_stop() {
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_work"
}
pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_work/data" -A trust -U postgres >/dev/null
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_work/data" -l "$pg_work/server.log" -w \
  -o "-p $pg_port -k $pg_work -c listen_addresses=127.0.0.1" start >/dev/null
pg_createdb() { runuser -u postgres -- "$pg_bin/createdb" -h "$pg_work" -p "$pg_port" "$1"; }
# The server's CPU so far, in seconds: the postmaster's own and its exited
# children's (finished sessions) plus the live processes', from /proc.
pg_cpu_seconds() {
  local pm ticks child
  pm=$(head -1 "$pg_work/data/postmaster.pid")
  ticks=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for child in $(pgrep -P "$pm"); do
    ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$child/stat" 2>/dev/null || echo 0)))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}'
}
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (fsync on, synchronous_commit on)"
