# Configs for the reference proxies of bench/router.sh (sourced, not run).
# Each writes a self-contained config into its own directory: no system paths, no system services.

# write_nginx_conf DIR LISTEN_PORT BACKEND_PORT... ; NGINX_BIGBUF=1 adds 16k proxy buffers;
# NGINX_FWD=1 makes nginx do what Sprout's router does to every request: the client's Host, X-Forwarded-For/Proto/
# Host/Port and a request id to the instance, the same id back to the client (a like-for-like reference).
write_nginx_conf() {
  local dir="$1" listen="$2"; shift 2
  mkdir -p "$dir/tmp"
  chmod 777 "$dir/tmp"  # workers drop to nobody when started as root
  local servers="" port
  for port in "$@"; do servers+="    server 127.0.0.1:$port;"$'\n'; done
  local buffers=""
  if [ "${NGINX_BIGBUF:-0}" = 1 ]; then
    buffers="      proxy_buffer_size 16k;
      proxy_buffers 8 16k;
      proxy_busy_buffers_size 32k;"
  fi
  local forwarding=""
  if [ "${NGINX_FWD:-0}" = 1 ]; then
    forwarding='      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Port $server_port;
      proxy_set_header X-Request-Id $request_id;
      add_header X-Request-Id $request_id always;'
  fi
  cat >"$dir/nginx.conf" <<CONF
worker_processes 2;
daemon off;
master_process on;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  # The default (1000) would make wrk reconnect every 1000 requests; the other proxies have no such limit.
  keepalive_requests 1000000;
  keepalive_timeout 65s;
  upstream backends {
$servers    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$listen;
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
$buffers
$forwarding
    }
  }
}
CONF
}

# write_haproxy_conf FILE LISTEN_PORT BACKEND_PORT...
write_haproxy_conf() {
  local file="$1" listen="$2"; shift 2
  local servers="" port i=0
  for port in "$@"; do i=$((i + 1)); servers+="  server s$i 127.0.0.1:$port"$'\n'; done
  cat >"$file" <<CONF
global
  nbthread 2
  maxconn 4096
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 65s
  timeout server 65s
frontend bench
  bind 127.0.0.1:$listen
  default_backend instances
backend instances
  balance roundrobin
$servers
CONF
}
