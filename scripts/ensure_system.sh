#!/usr/bin/env bash
# What the tests need from the machine: Debian Chromium for browser tests and,
# in CI, the PostgreSQL/Redis/RabbitMQ services of the production profile.
set -uo pipefail

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian chromium and chromium-driver ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "chromium is missing: browser tests will be skipped (install Debian chromium chromium-driver)"
  fi
fi

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ "${CI:-}" = "true" ]; then
  up 5432 || { pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true; }
  up 6379 || { redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
                 --dir /var/lib/redis --logfile /var/log/redis/ci.log || true; }
  up 5672 || { rabbitmq-server -detached || true; }
  for port in 5432 6379 5672; do
    for _ in $(seq 60); do up $port && break; sleep 1; done
    up $port || echo "service on port $port did not start; its tests will fail"
  done
fi
exit 0
