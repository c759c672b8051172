# Shell functions shared by .ci/run and scripts/test-preflight.sh (source this file):
# is PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 answering, and start
# them the way the CI machine does when they are not.
#
# Each start_* function prints what it did and returns 0 once the service answers,
# else non-zero with the reason on stderr; the caller decides whether that is fatal
# (.ci/run: always; the preflight: only under CI).

# PostgreSQL accepts connections. pg_isready when installed, else a bare TCP connect
# (a server in a container, no client tools on the host).
postgres_answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -h 127.0.0.1 -p 5432 -q
  else
    timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/5432' 2>/dev/null
  fi
}

# Redis answers PING with PONG (redis-cli when installed, else the protocol by hand).
redis_answers() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]
  else
    timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379 && printf "PING\r\n" >&3 && read -r reply <&3 && [[ "$reply" == +PONG* ]]' 2>/dev/null
  fi
}

# Waits up to about 30 s for a command to succeed.
wait_for() {
  local what="$1"
  shift
  for _ in $(seq 1 30); do
    if "$@" >/dev/null 2>&1; then
      echo "$what is up"
      return 0
    fi
    sleep 1
  done
  echo "$what did not come up within 30 s" >&2
  return 1
}

# Starts the newest Debian cluster (pg_ctlcluster, as root) unless PostgreSQL answers already.
start_postgres() {
  if postgres_answers; then
    echo "PostgreSQL already answering"
    return 0
  fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "PostgreSQL is not installed (no pg_ctlcluster)" >&2
    return 1
  fi
  if [ "$(id -u)" != "0" ]; then
    echo "PostgreSQL is not running, and starting it needs root (pg_ctlcluster VERSION main start)" >&2
    return 1
  fi
  local pg_version
  pg_version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$pg_version" ]; then
    echo "PostgreSQL has no cluster under /etc/postgresql" >&2
    return 1
  fi
  # pg_ctlcluster switches to the postgres user itself (PostgreSQL refuses to run as root).
  pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start </dev/null || echo "pg_ctlcluster exited $?; waiting anyway"
  wait_for "PostgreSQL" postgres_answers
}

# Starts a throw-away redis-server on loopback (no persistence, as root) unless Redis answers already.
start_redis() {
  if redis_answers; then
    echo "Redis already answering"
    return 0
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "Redis is not installed (no redis-server)" >&2
    return 1
  fi
  if [ "$(id -u)" != "0" ]; then
    echo "Redis is not running, and this script starts it only as root (it writes under /var/lib/redis)" >&2
    return 1
  fi
  mkdir -p /var/lib/redis /var/log/redis
  if ! redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log </dev/null; then
    echo "redis-server did not start (see /var/log/redis/ci.log)" >&2
    return 1
  fi
  wait_for "Redis" redis_answers
}
