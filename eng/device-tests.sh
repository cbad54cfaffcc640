#!/usr/bin/env bash
# The on-device test suite (LibNet.Nano.Tests.Device, nanoFramework.TestFramework) on the real
# nanoCLR interpreter in ../shared/nanovm:
#   1. builds LibNet.Nano and LibNet.Nano.Mqtt against nanovm's real nano assemblies
#      (eng/nano/LibNet.Nano.NanoVm.csproj, eng/nano/LibNet.Nano.Mqtt.NanoVm.csproj) and the suite
#      (NFUnitTest.dll, which tests both), and scans all three for generics (eng/MetadataScan);
#   2. starts the TLS peers the suite's TLS tests talk to (openssl, fixed loopback ports: a TLS
#      handshake stops every managed thread of the interpreter, so no peer can live inside it);
#   3. runs the suite with `nanovm test`, stops the peers, prints the counts;
#   4. prints the .pe sizes (what a device stores in flash); with --footprint also what the
#      SimulatedAdapter adds to LibNet.Nano.pe and to the RAM the nanoCLR spends loading it
#      (docs/ram-budget.md).
# Exit 0 when every test passed or skipped; 1 on a failed test, a hang, a crash or no results.
# Without nanovm (NANOVM_DIR, default ../shared/nanovm beside the repository) it says the suite
# was skipped and why, and exits 0: a fresh clone has no nanovm.
set -u
set -o pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
ROOT="$(pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
NANOVM_DIR="${NANOVM_DIR:-$ROOT/../shared/nanovm}"
footprint=0
for arg in "$@"; do
    case "$arg" in
        --footprint) footprint=1 ;;
        *) echo "usage: bash eng/device-tests.sh [--footprint]" >&2; exit 2 ;;
    esac
done
start=$SECONDS

if [ ! -x "$NANOVM_DIR/nanovm" ] || [ ! -f "$NANOVM_DIR/ref/mscorlib.dll" ]; then
    echo "device suite: SKIPPED: no nanovm at $NANOVM_DIR (the nanoCLR interpreter for Linux;"
    echo "  set NANOVM_DIR to run the suite; on Windows run it on the nanoFramework virtual device"
    echo "  or a board: LibNet.Nano.Tests.Device/nf, docs/getting-started-esp32.md)"
    exit 0
fi
NANOVM_DIR="$(cd "$NANOVM_DIR" && pwd)"

LIB="$ROOT/eng/nano/bin/LibNet.Nano.NanoVm/Release/LibNet.Nano.dll"
MQTT="$ROOT/eng/nano/bin/LibNet.Nano.Mqtt.NanoVm/Release/LibNet.Nano.Mqtt.dll"
SUITE="$ROOT/LibNet.Nano.Tests.Device/bin/Release/NFUnitTest.dll"
LOGDIR="$ROOT/LibNet.Nano.Tests.Device/obj/device-tests"
mkdir -p "$LOGDIR"
rm -f "$LIB" "$MQTT" "$SUITE"

echo "device suite: building against $NANOVM_DIR/ref"
if ! dotnet build LibNet.Nano.Tests.Device/LibNet.Nano.Tests.Device.csproj -c Release -nologo \
        -p:NanoVmDir="$NANOVM_DIR/" >"$LOGDIR/build.log" 2>&1; then
    grep -E ': (error|warning) ' "$LOGDIR/build.log" | sed "s|$ROOT/||g" | sort -u
    tail -n 20 "$LOGDIR/build.log"
    echo "device suite: FAILED (build; log: ${LOGDIR#"$ROOT"/}/build.log)"
    exit 1
fi

SCAN="$ROOT/eng/MetadataScan/bin/Release/net10.0/MetadataScan.dll"
[ -f "$SCAN" ] || dotnet build eng/MetadataScan/MetadataScan.csproj -c Release -nologo >"$LOGDIR/scan.build.log" 2>&1
for dll in "$LIB" "$MQTT" "$SUITE"; do
    if ! dotnet "$SCAN" "$dll" >"$LOGDIR/scan.log" 2>&1; then
        cat "$LOGDIR/scan.log"
        echo "device suite: FAILED (generics in ${dll#"$ROOT"/}: the nanoCLR would crash loading it)"
        exit 1
    fi
done

# The TLS peers listen on fixed loopback ports: two runs on one machine (several checkouts, CI
# beside a developer) would take each other's ports. Runs wait for each other here instead.
lock="${TMPDIR:-/tmp}/libnet-device-suite.lock"
if command -v flock >/dev/null 2>&1; then
    exec 9>"$lock"
    if ! flock -n 9; then
        echo "device suite: another run holds $lock (the TLS peers' ports); waiting for it"
        flock -w 900 9 || echo "device suite: warning: still locked after 900 s; running anyway"
    fi
fi

# shellcheck source=eng/device-peers.sh
. "$ROOT/eng/device-peers.sh"
peers_start
trap peers_stop EXIT

echo "device suite: running on the nanoCLR ($(basename "$NANOVM_DIR")/bin)"
NANOVM_TIMEOUT="${NANOVM_TIMEOUT:-600}" "$NANOVM_DIR/nanovm" test "$SUITE" "$LIB" "$MQTT" 2>&1 | tee "$LOGDIR/run.log"
rc=${PIPESTATUS[0]}
peers_stop
trap - EXIT

# nanovm prints "nanovm: P passed, F failed, S skipped" when the run ends; after a hang or a
# crash it does not, so the result lines are counted here either way.
passed=$(grep -c '^Test passed,' "$LOGDIR/run.log")
failed=$(grep -c '^Test failed,' "$LOGDIR/run.log")
skipped=$(grep -c '^Test skipped,' "$LOGDIR/run.log")
pe_size() { # dll... -> "name.pe N bytes" lines
    local out="$LOGDIR/pe" d
    rm -rf "$out"
    "$NANOVM_DIR/nanovm" pe "$out" "$@" >/dev/null || return 1
    for d in "$@"; do
        echo "$(basename "$d" .dll).pe $(stat -c %s "$out/$(basename "$d" .dll).pe")"
    done
}

echo
pe_sizes=$(pe_size "$LIB" "$MQTT" "$SUITE")
[ -z "$pe_sizes" ] || sed 's/^\(.*\) \(.*\)$/device suite: \1: \2 bytes/' <<<"$pe_sizes"
if [ "$footprint" = 1 ]; then
    echo "device suite: footprint of the SimulatedAdapter (Simulated/**) in LibNet.Nano"
    dotnet build eng/nano/LibNet.Nano.NanoVm.csproj -c Release -nologo -p:NanoVmDir="$NANOVM_DIR/" -p:WithoutSimulated=true >"$LOGDIR/nosim.build.log" 2>&1 &&
        dotnet build eng/nano/LoadProbe/LoadProbe.csproj -c Release -nologo -p:NanoVmDir="$NANOVM_DIR/" >"$LOGDIR/probe.build.log" 2>&1 ||
        { echo "device suite: footprint build FAILED (logs in ${LOGDIR#"$ROOT"/})"; exit 1; }
    nosim="$ROOT/eng/nano/bin/LibNet.Nano.NanoVm/Release/WithoutSimulated/LibNet.Nano.dll"
    probe="$ROOT/eng/nano/bin/LoadProbe/Release/LoadProbe.dll"
    full_pe=$(sed -n 's/^LibNet\.Nano\.pe //p' <<<"$pe_sizes")   # from the sizes printed above
    nosim_pe=$(pe_size "$nosim" | cut -d' ' -f2)
    heap() { "$NANOVM_DIR/nanovm" run "$probe" "$@" | sed -n 's/^free heap at Main: //p'; }
    h0=$(heap); h1=$(heap "$LIB"); h2=$(heap "$nosim")
    echo "  LibNet.Nano.pe: $full_pe bytes; without Simulated/: $nosim_pe bytes; the SimulatedAdapter: $((full_pe - nosim_pe)) bytes ($(( (full_pe - nosim_pe) * 100 / full_pe )) %)"
    echo "  RAM the nanoCLR spends loading it (free heap at Main, 64-bit): LibNet.Nano $((h0 - h1)) bytes; without Simulated/ $((h0 - h2)) bytes"
fi

grep -E '^Test (failed|skipped),' "$LOGDIR/run.log" | sed 's/^/  /'
echo "device suite: ${passed} passed, ${failed} failed, ${skipped} skipped ($((SECONDS - start)) s)"
if [ $((passed + failed + skipped)) -eq 0 ]; then
    echo "device suite: FAILED (no test results; exit $rc)"
    exit 1
fi
if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ]; then
    grep -q '^Done\.' "$LOGDIR/run.log" || echo "device suite: the run did not finish (a hang or a crash: see ${LOGDIR#"$ROOT"/}/run.log)"
    echo "device suite: FAILED"
    exit 1
fi
exit 0
