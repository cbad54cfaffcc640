#!/usr/bin/env bash
# The MQTT client on the real nanoCLR: builds LibNet.Nano and LibNet.Nano.Mqtt against the nano
# assemblies of ../shared/nanovm (eng/nano/*.NanoVm.csproj, as the device suite does), starts
# MQTTnet's broker on loopback (the MQTT benchmark's --broker mode, another process), and runs
# eng/nanovm-mqtt/Program.cs on the
# nanoCLR against it: connect, subscribe, QoS 0/1 round trips with the free heap read around them,
# keepalive pings, a large publish, an oversize message dropped, disconnect.
# Exit 0 when the program prints "MQTT-NANO: PASS" (or when no nanovm is there: skipped).
# Needs the .NET SDK and bench/LibNet.Nano.Mqtt.Bench built (it is built here when missing).
set -u
set -o pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
NANOVM_DIR=${NANOVM_DIR:-../shared/nanovm}
export NANOVM_DIR
if [ ! -x "$NANOVM_DIR/nanovm" ]; then
    echo "nanovm-mqtt: no $NANOVM_DIR/nanovm here: skipped"
    exit 0
fi

BENCH=bench/LibNet.Nano.Mqtt.Bench/bin/Release/net10.0/LibNet.Nano.Mqtt.Bench.dll
if [ ! -f "$BENCH" ]; then
    dotnet build bench/LibNet.Nano.Mqtt.Bench -c Release -nologo >/dev/null || exit 2
fi

coproc BROKER { exec dotnet "$BENCH" --broker 0; }
broker_pid=$BROKER_PID
trap 'kill "$broker_pid" 2>/dev/null; wait "$broker_pid" 2>/dev/null' EXIT
if ! read -r -t 60 line <&"${BROKER[0]}" || [ "${line%% *}" != ready ]; then
    echo "nanovm-mqtt: the broker did not start"
    exit 2
fi
port=${line#ready }
echo "nanovm-mqtt: MQTTnet broker on 127.0.0.1:$port"

log=eng/nanovm-mqtt/obj/build.log
mkdir -p eng/nanovm-mqtt/obj
NANOVM_DIR=$(cd "$NANOVM_DIR" && pwd)
if ! dotnet build eng/nanovm-mqtt/MqttOnNano.csproj -c Release -nologo -p:BrokerPort="$port" >"$log" 2>&1; then
    grep -E ': (error|warning) ' "$log" | sort -u | head -20
    echo "nanovm-mqtt: build FAILED"
    exit 1
fi

out=eng/nanovm-mqtt/bin/MqttOnNano/Release
lib=eng/nano/bin/LibNet.Nano.NanoVm/Release
mqtt=eng/nano/bin/LibNet.Nano.Mqtt.NanoVm/Release
result=$(NANOVM_TIMEOUT=${NANOVM_TIMEOUT:-120} "$NANOVM_DIR/nanovm" run "$out/MqttOnNano.dll" "$lib/LibNet.Nano.dll" "$mqtt/LibNet.Nano.Mqtt.dll" 2>&1)
echo "$result" | grep -v '^$' | sed 's/^/    /' | tail -n 20
if echo "$result" | grep -q "MQTT-NANO: PASS"; then
    echo "nanovm-mqtt: OK"
    exit 0
fi

echo "nanovm-mqtt: FAILED"
exit 1
