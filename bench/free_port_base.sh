# free_port_base: prints the first of six consecutive loopback ports that nothing listens on,
# for the bench scripts (sourced; `zpipe up --port-base` and the programs' defaults take six).
# A random base in 20000-49999 whose six ports refuse a connection.
free_port_base() {
  while :; do
    local base=$((20000 + RANDOM % 30000))
    local busy=0
    for offset in 0 1 2 3 4 5; do
      if (exec 3<>"/dev/tcp/127.0.0.1/$((base + offset))") 2>/dev/null; then busy=1; fi
    done
    [ $busy -eq 0 ] && { echo "$base"; return; }
  done
}
