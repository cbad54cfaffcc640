# TLS peers of the device suite, sourced by eng/device-tests.sh (needs ROOT and LOGDIR; that
# script holds a lock so that two runs on one machine do not share these ports). A TLS
# handshake on the nanoCLR runs in native code without yielding: every managed thread stops
# until it ends, so a TLS peer cannot live inside the interpreter. These run beside it, on fixed
# loopback ports the suite knows (Tls/TlsTests.cs; below the ephemeral port ranges, so no
# outgoing connection on the machine can hold them), with the test PKI of
# LibNet.Nano.Tests.Device/Tls/certs (the suite has the same PEM compiled in):
#   127.0.0.1:17301  openssl s_server -rev: the suite's TLS clients connect to it (each line
#                    comes back reversed); it serves one client after another;
#   127.0.0.1:17303  the same with an EC (P-256) certificate: nanoFramework's Mbed TLS
#                    configuration has no ECDHE-ECDSA suite, so the handshake must fail cleanly;
#   127.0.0.1:17302  the suite's TLS listener; a loop of openssl s_client connects to it,
#                    verifying its certificate against the test CA, sends "ping" and prints
#                    what comes back (s_client.log).
# Without openssl nothing is started and the TLS tests skip.
DEVICE_TLS_SERVER_PORT=17301
DEVICE_TLS_CLIENT_PORT=17302
DEVICE_TLS_EC_SERVER_PORT=17303
_peer_pids=()

peers_start() {
    local certs="$ROOT/LibNet.Nano.Tests.Device/Tls/certs" dir="$LOGDIR/peers" i
    mkdir -p "$dir"
    if ! command -v openssl >/dev/null 2>&1; then
        echo "device suite: no openssl on PATH: the TLS tests will skip"
        return 0
    fi
    if command -v ss >/dev/null 2>&1 && ss -ltn | grep -q "127.0.0.1:$DEVICE_TLS_SERVER_PORT "; then
        echo "device suite: warning: 127.0.0.1:$DEVICE_TLS_SERVER_PORT is already in use (another run?): the TLS client tests talk to whatever listens there"
    fi
    setsid openssl s_server -accept "127.0.0.1:$DEVICE_TLS_SERVER_PORT" -cert "$certs/server.pem" -key "$certs/server.key" \
        -rev </dev/null >"$dir/s_server.log" 2>&1 &
    _peer_pids+=($!)
    setsid openssl s_server -accept "127.0.0.1:$DEVICE_TLS_EC_SERVER_PORT" -cert "$certs/server-ec.pem" -key "$certs/server-ec.key" \
        -rev </dev/null >"$dir/s_server-ec.log" 2>&1 &
    _peer_pids+=($!)
    setsid bash -c "while :; do printf 'ping\n' | timeout 20 openssl s_client -connect 127.0.0.1:$DEVICE_TLS_CLIENT_PORT \
        -CAfile '$certs/ca.pem' -verify_return_error -verify_hostname localhost -quiet 2>&1 | grep -v '^connect:errno' ; sleep 0.3; done" \
        </dev/null >"$dir/s_client.log" 2>&1 &
    _peer_pids+=($!)
    for i in $(seq 1 100); do
        grep -q '^ACCEPT' "$dir/s_server.log" 2>/dev/null && break
        sleep 0.1
    done
    grep -q '^ACCEPT' "$dir/s_server.log" || { echo "device suite: warning: openssl s_server did not start:"; tail -5 "$dir/s_server.log"; }
    echo "device suite: TLS peers: s_server on 127.0.0.1:$DEVICE_TLS_SERVER_PORT (RSA) and :$DEVICE_TLS_EC_SERVER_PORT (EC), s_client loop toward :$DEVICE_TLS_CLIENT_PORT"
}

peers_stop() {
    local p
    for p in "${_peer_pids[@]+"${_peer_pids[@]}"}"; do
        kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    _peer_pids=()
}
