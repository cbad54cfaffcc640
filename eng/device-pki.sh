#!/usr/bin/env bash
# Makes the device suite's test PKI (needs only openssl): LibNet.Nano.Tests.Device/Tls/certs/
# ca.pem (test CA), server.pem + server.key (CN and SAN localhost / 127.0.0.1, signed by that CA),
# otherca.pem (an unrelated CA), RSA 2048, and server-ec.pem + server-ec.key (the same names, an
# EC P-256 key, signed by the same CA), all valid for 100 years; then writes the PEM text the suite
# needs into LibNet.Nano.Tests.Device/Tls/TlsCerts.cs, which it compiles in (a device has no files
# to read). RSA because nanoFramework's own Mbed TLS configuration has no ECDHE-ECDSA cipher
# suite: a server with an EC certificate gets "no shared cipher" (docs/nano-notes.md).
# Keys of a test CA nobody trusts: never use them elsewhere. The CA keys are thrown away.
# The files are committed; run this only to replace them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=LibNet.Nano.Tests.Device/Tls/certs
mkdir -p "$dir"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
ca() { # name cn
    openssl req -x509 -newkey rsa:2048 -nodes -days 36500 \
        -keyout "$t/$1.key" -out "$dir/$1.pem" -subj "/CN=$2" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
ca ca "LibNet Device Test CA"
ca otherca "Unrelated Device Test CA"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > "$t/server.ext"
leaf() { # name key-args...
    local name="$1"
    shift
    openssl req -new -newkey "$@" -nodes -keyout "$dir/$name.key" -out "$t/$name.csr" -subj "/CN=localhost" 2>/dev/null
    openssl x509 -req -in "$t/$name.csr" -CA "$dir/ca.pem" -CAkey "$t/ca.key" -CAserial "$t/ca.srl" -CAcreateserial \
        -days 36500 -out "$dir/$name.pem" -extfile "$t/server.ext" 2>/dev/null
}
leaf server rsa:2048
leaf server-ec ec -pkeyopt ec_paramgen_curve:prime256v1
chmod 644 "$dir"/*

const() { # name file what
    [ "$1" = Ca ] || printf '\n'
    printf '        /// <summary>%s (%s).</summary>\n        public const string %s =\n' "$3" "$2" "$1"
    sed -e 's/^/            "/' -e 's/$/\\n" +/' "$dir/$2" | sed '$ s/ +$/;/'
}
{
    cat <<'HEAD'
namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// The test PKI of the TLS tests, as text (a device has no files to read): the same PEM as
    /// LibNet.Nano.Tests.Device/Tls/certs/*, written by eng/device-pki.sh (do not edit by hand;
    /// a host test checks they agree). A test CA nobody trusts; its keys were thrown away.
    /// </summary>
    public static class TlsCerts
    {
HEAD
    const Ca ca.pem "The test CA: it signed ServerCert"
    const OtherCa otherca.pem "An unrelated CA: verifying ServerCert against it must fail"
    const ServerCert server.pem "The server certificate: CN and SAN localhost, SAN IP 127.0.0.1"
    const ServerKey server.key "The private key of ServerCert"
    printf '    }\n}\n'
} > LibNet.Nano.Tests.Device/Tls/TlsCerts.cs
echo "device-pki: wrote $dir/{ca,otherca,server,server-ec}.pem, server.key, server-ec.key and LibNet.Nano.Tests.Device/Tls/TlsCerts.cs"
