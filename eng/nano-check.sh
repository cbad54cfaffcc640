#!/usr/bin/env bash
# Nano compile check for LibNet.Nano (see eng/nano/PROOF.md for what it catches).
#
#   1. builds eng/nano/LibNet.Nano.CoreCheck.csproj: LibNet.Nano/**/*.cs except Net/**,
#      against the real nanoFramework mscorlib 1.17.11 alone;
#   2. builds eng/nano/LibNet.Nano.NanoCheck.csproj: all of LibNet.Nano/**/*.cs with
#      NANOFRAMEWORK_1_0, against that mscorlib plus eng/nano/Declarations/*.cs (the System.Net
#      surface nano has, declared for the compile only);
#   3. if eng/nano/Samples.NanoCheck.csproj exists: builds the samples' device sources the
#      same way, on top of the NanoCheck library;
#   3b. builds eng/nano/LibNet.Nano.Mqtt.NanoCheck.csproj: the MQTT client on top of the
#      NanoCheck library, the same way;
#   4. scans every DLL built with eng/MetadataScan: no generic instantiation, generic definition or
#      generic type reference (nano's mscorlib 1.17.11 runtime has no generics), and the core
#      references no assembly but mscorlib.
#
# Needs only the .NET SDK and the NuGet registry (nanoFramework.CoreLibrary is restored from it,
# or from the local NuGet cache). Works from any directory. Exit 0 when every step passes.
set -u
set -o pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
ROOT="$(pwd)"
CONFIG=Release
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

LOGDIR="$ROOT/eng/nano/obj/logs"
mkdir -p "$LOGDIR"

SCAN_DLL="$ROOT/eng/MetadataScan/bin/$CONFIG/net10.0/MetadataScan.dll"
failures=0
summary=()

# Prints a build's errors and warnings once each, with paths relative to the repo root.
show_diagnostics() {
    grep -E ': (error|warning) [A-Z]+[0-9]+' "$1" \
        | sed -e "s|$ROOT/||g" -e 's| \[[^]]*\.csproj\]$||' \
        | sort -u
}

# One line of advice for the nano pitfalls whose compiler message does not name the fix.
hints() { # log
    local log="$1"
    grep -q "IsVolatile' is not defined" "$log" &&
        echo "    hint: 'volatile' needs IsVolatile, which nano's mscorlib lacks: use lock, or Interlocked on an int"
    grep -q "'Generic' does not exist in the namespace 'System.Collections'" "$log" &&
        echo "    hint: no System.Collections.Generic on nano: use arrays, ArrayList or the library's own non-generic types"
    grep -qE "'(Text|IO)' does not exist in the namespace 'System'|'(Stream|Encoding|StringBuilder)' could not be found" "$log" &&
        echo "    hint: nano's mscorlib has no System.Text / System.IO.Stream (separate nano packages): keep them out of the core"
    grep -qE "ValueTuple|IAsyncStateMachine|AsyncTaskMethodBuilder|'Task' could not be found|'Span' could not be found" "$log" &&
        echo "    hint: no tuples, async/Task or Span<T> on nano (mscorlib 1.17.11): threads + events, SpanByte"
    return 0
}

build() { # name project-path
    local name="$1" proj="$2" log="$LOGDIR/$1.build.log"
    local errors warnings
    if dotnet build "$proj" -c "$CONFIG" -nologo >"$log" 2>&1; then
        warnings=$(show_diagnostics "$log" | grep -c ': warning ' || true)
        summary+=("PASS  build $name (0 errors, $warnings warnings)")
        show_diagnostics "$log" | sed 's/^/    /'
        return 0
    fi
    errors=$(show_diagnostics "$log" | grep -c ': error ' || true)
    summary+=("FAIL  build $name ($errors errors; log: ${log#"$ROOT"/})")
    echo "nano-check: build of $name FAILED:"
    if [ "$errors" -gt 0 ]; then
        show_diagnostics "$log" | sed 's/^/    /'
        hints "$log"
    else
        tail -n 30 "$log" | sed 's/^/    /'
    fi
    failures=$((failures + 1))
    return 1
}

scan() { # name dll [flags]
    local name="$1" dll="$2"
    shift 2
    local out
    out=$(dotnet "$SCAN_DLL" "$dll" "$@" 2>&1)
    local rc=$?
    echo "$out" | sed 's/^/    /'
    if [ $rc -eq 0 ]; then
        summary+=("PASS  metadata scan $name${1:+ ($*)}")
    else
        summary+=("FAIL  metadata scan $name${1:+ ($*)}")
        failures=$((failures + 1))
    fi
}

start=$(date +%s)
echo "nano-check: building eng/MetadataScan"
if ! dotnet build eng/MetadataScan/MetadataScan.csproj -c "$CONFIG" -nologo >"$LOGDIR/MetadataScan.build.log" 2>&1; then
    show_diagnostics "$LOGDIR/MetadataScan.build.log"
    tail -n 30 "$LOGDIR/MetadataScan.build.log"
    echo "nano-check: FAILED (could not build eng/MetadataScan)"
    exit 2
fi

for check in CoreCheck NanoCheck; do
    proj="eng/nano/LibNet.Nano.$check.csproj"
    dll="eng/nano/bin/LibNet.Nano.$check/$CONFIG/LibNet.Nano.dll"
    rm -f "$dll"   # never scan a stale DLL left by an earlier, successful build
    echo "nano-check: building $proj (against nanoFramework mscorlib 1.17.11)"
    if build "$check" "$proj"; then
        if [ "$check" = CoreCheck ]; then
            scan "$check" "$dll" --only-mscorlib
        else
            scan "$check" "$dll"
        fi
    else
        summary+=("SKIP  metadata scan $check (no DLL)")
    fi
done

# Builds and scans a project that builds on the NanoCheck library, when the project is there; it
# is skipped when the NanoCheck library failed.
check_on_nanocheck() { # name project-path dll what
    local name="$1" proj="$2" dll="$3" what="$4"
    [ -f "$proj" ] || return 0
    rm -f "$dll"
    if [ ! -f "eng/nano/bin/LibNet.Nano.NanoCheck/$CONFIG/LibNet.Nano.dll" ]; then
        summary+=("SKIP  build $name (NanoCheck failed)")
        return 0
    fi
    echo "nano-check: building $proj ($what)"
    if build "$name" "$proj"; then
        scan "$name" "$dll"
    else
        summary+=("SKIP  metadata scan $name (no DLL)")
    fi
}

# The samples' device sources (eng/nano/Samples.NanoCheck.csproj), then the MQTT client (issue 13:
# eng/nano/LibNet.Nano.Mqtt.NanoCheck.csproj, compiled against nano's mscorlib plus the NanoCheck
# build of the library and metadata-scanned for generics like the core). The samples reference the
# MQTT client, so their build already builds it; the MQTT step builds it again on its own (an
# up-to-date build, cheap) to report its own diagnostics after the samples', as it always has.
check_on_nanocheck SamplesCheck eng/nano/Samples.NanoCheck.csproj \
    "eng/nano/bin/Samples.NanoCheck/$CONFIG/Samples.NanoCheck.dll" "the samples' device sources"
check_on_nanocheck MqttCheck eng/nano/LibNet.Nano.Mqtt.NanoCheck.csproj \
    "eng/nano/bin/LibNet.Nano.Mqtt.NanoCheck/$CONFIG/LibNet.Nano.Mqtt.dll" "the MQTT client"

echo
echo "nano-check summary ($(($(date +%s) - start)) s):"
for line in "${summary[@]}"; do
    echo "  $line"
done
if [ "$failures" -eq 0 ]; then
    echo "nano-check: OK"
    exit 0
fi
echo "nano-check: FAILED ($failures failing step(s))"
exit 1
