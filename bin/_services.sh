# Sourced by bin/test and bin/cluster: throwaway servers on 127.0.0.1, stopped on exit.
# Needs python on PATH (bin/_venv.sh's ensure_venv puts .venv's there).

# Commands run on exit, the last added first: servers stop in the reverse of
# the order they started.
EXIT_COMMANDS=()
on_exit() {
  EXIT_COMMANDS=("$*" "${EXIT_COMMANDS[@]}")
  trap run_exit_commands EXIT
}
run_exit_commands() {
  local command
  for command in "${EXIT_COMMANDS[@]}"; do
    eval "$command" || true
  done
}

apt_install() {
  [ "$(id -u)" = 0 ] || { echo "cannot install $* without root" >&2; return 1; }
  [ -n "${APT_UPDATED:-}" ] || { apt-get update -qq; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

free_port() {
  python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# start_postgres: a PostgreSQL server in a temporary directory (fsync off) with
# an empty database reformtracker, and DB, DB_HOST... exported for Django.
# Installs Debian's PostgreSQL first if it is missing (root only).
start_postgres() {
  local bin port
  [ -n "$(pg_bin)" ] || apt_install postgresql
  bin="$(pg_bin)"
  PGDATA="$(mktemp -d /tmp/reformtracker-pg.XXXXXX)"
  PG_AS=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PGDATA"
    PG_AS=(runuser -u postgres --)
  fi
  port="$(free_port)"
  "${PG_AS[@]}" "$bin/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${PG_AS[@]}" "$bin/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -o \
    "-h 127.0.0.1 -p $port -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  PG_CTL="$bin/pg_ctl"
  on_exit '"${PG_AS[@]}" "$PG_CTL" -D "$PGDATA" -m immediate stop >/dev/null; rm -rf "$PGDATA"'
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres reformtracker
  export DB=postgres DB_HOST=127.0.0.1 DB_PORT="$port" DB_USER=postgres DB_NAME=reformtracker
  PG_VERSION="$("$bin/postgres" --version | awk '{print $3}')"
}
