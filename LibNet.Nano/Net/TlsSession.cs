using System;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace NanoLibNet
{
    /// <summary>
    /// The one seam between LibNet and the platform's TLS: an <c>SslStream</c> over a connected
    /// socket. Device: nanoFramework's <c>SslStream(Socket)</c> (mbedTLS). Desktop .NET:
    /// <c>System.Net.Security.SslStream</c> over <see cref="TlsWire"/>, a stream on the same socket.
    /// Both speak TLS 1.2 only, so the host tests run the protocol the device runs.
    /// The handshake blocks (a connect worker runs it) and is cancelled only by closing the
    /// socket. Afterwards the engine calls <see cref="Read"/> when the socket is readable or
    /// <see cref="HasBufferedData"/> is true, and <see cref="Write"/> when it is writable; the
    /// socket stays blocking under TLS, with <see cref="IoGuardMs"/> as receive and send timeout:
    /// a read waits at most that long for the rest of a TLS record that has partly arrived, a
    /// write for room in the socket's send buffer. A peer that stalls longer than that in the
    /// middle of a record fails the connection (the TLS stream cannot resume a cut record).
    /// </summary>
    internal sealed class TlsSession
    {
        /// <summary>Receive and send timeout of a TLS socket after the handshake (ms): the longest the engine can be held by one record.</summary>
        internal const int IoGuardMs = 2000;

        /// <summary>Largest number of plaintext bytes written per <see cref="Write"/> (a few TLS records at most).</summary>
        internal const int MaxWriteChunk = 4096;

        private readonly SslStream _ssl;
#if !NANOFRAMEWORK_1_0
        // Desktop: a whole record's plaintext (at most 16 KB) is taken from SslStream at once,
        // so no decrypted byte stays hidden inside it where the engine could not see it.
        private readonly byte[] _plain = new byte[16384];
        private int _plainOffset;
        private int _plainCount;
#endif

        private TlsSession(SslStream ssl)
        {
            _ssl = ssl;
        }

        /// <summary>
        /// Worker thread, blocking: the client side of the handshake on a connected socket. The
        /// server's chain and its certificate's name (<paramref name="host"/>) are verified: with
        /// <paramref name="caPem"/> against that CA; without it against the platform's trust store
        /// (desktop .NET: the system's roots; the device: the CA bundle of nano's certificate
        /// store, which <c>SslVerification.CertificateRequired</c> with no CA argument uses, the
        /// only nano mode that verifies at all). <paramref name="insecure"/> = nothing is verified.
        /// </summary>
        internal static TlsSession Client(Socket socket, string host, string caPem, string certPem, string keyPem, string password, bool insecure)
        {
            X509Certificate ca = caPem == null || insecure ? null : TlsCertificates.Authority(caPem);
            X509Certificate own = certPem == null ? null : TlsCertificates.WithKey(certPem, keyPem, password);
            string against = insecure ? null : (ca != null ? "the configured CA" : TrustStore);
#if NANOFRAMEWORK_1_0
            SslStream ssl = new SslStream(socket);
            ssl.SslVerification = insecure ? SslVerification.NoVerification : SslVerification.CertificateRequired;
            Handshake(ssl, false, host, own, ca, false, against);
#else
            TlsPeerCheck check = new TlsPeerCheck(ca, false, own, insecure);
            SslStream ssl = new SslStream(new TlsWire(socket), false, check.Validate, check.SelectLocal);
            Handshake(ssl, check, false, host, own, false);
#endif
            return Ready(socket, ssl);
        }

#if NANOFRAMEWORK_1_0
        private const string TrustStore = "the device's certificate store (CertificateManager)";
#else
        private const string TrustStore = "the system's trust store";
#endif

        /// <summary>
        /// Worker thread, blocking: the server side of the handshake of an accepted client, with
        /// the listener's certificate (and key). <paramref name="clientCa"/> non-null = the client
        /// must present a certificate; on desktop .NET it is verified against that CA, on the
        /// device nano's <c>AuthenticateAsServer(cert, true, ...)</c> decides (it takes no CA).
        /// </summary>
        internal static TlsSession Server(Socket socket, X509Certificate serverCert, X509Certificate clientCa)
        {
            bool require = clientCa != null;
#if NANOFRAMEWORK_1_0
            SslStream ssl = new SslStream(socket);
            Handshake(ssl, true, null, serverCert, null, require, null);
#else
            socket.Blocking = true; // an accepted socket inherits the listener's non-blocking mode
            TlsPeerCheck check = new TlsPeerCheck(clientCa, true, null, false);
            SslStream ssl = new SslStream(new TlsWire(socket), false, check.Validate);
            Handshake(ssl, check, true, null, serverCert, require);
#endif
            return Ready(socket, ssl);
        }

#if NANOFRAMEWORK_1_0
        private static void Handshake(SslStream ssl, bool server, string host, X509Certificate own, X509Certificate ca, bool require, string against)
        {
            try
            {
                if (server)
                {
                    ssl.AuthenticateAsServer(own, require, SslProtocols.Tls12);
                }
                else
                {
                    ssl.AuthenticateAsClient(host, own, ca, SslProtocols.Tls12);
                }
            }
            catch (Exception ex)
            {
                ssl.Dispose();
                if (ex is ObjectDisposedException)
                {
                    throw;
                }

                // nano's exceptions say little (a SocketException's Message is generic): the code,
                // and what the server was verified against, are what the user can act on.
                SocketException se = SocketErrors.Find(ex);
                string why = se != null ? SocketErrors.TlsHandshakeCode(SocketErrors.CodeOf(se)) : ex.GetType().FullName + ": " + ex.Message;
                throw new NetFailure(NetError.TlsFailed, "TLS handshake failed: " + why + (against == null ? "" : "; the server's certificate and name were verified against " + against));
            }
        }
#else
        private static void Handshake(SslStream ssl, TlsPeerCheck check, bool server, string host, X509Certificate own, bool require)
        {
            try
            {
                if (server)
                {
                    SslServerAuthenticationOptions o = new SslServerAuthenticationOptions();
                    o.ServerCertificate = own;
                    o.ClientCertificateRequired = require;
                    o.EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12;
                    o.CertificateRevocationCheckMode = X509RevocationMode.NoCheck;
                    ssl.AuthenticateAsServer(o);
                }
                else
                {
                    SslClientAuthenticationOptions o = new SslClientAuthenticationOptions();
                    o.TargetHost = host;
                    o.EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12;
                    o.CertificateRevocationCheckMode = X509RevocationMode.NoCheck;
                    ssl.AuthenticateAsClient(o);
                }
            }
            catch (Exception ex)
            {
                ssl.Dispose();
                if (ex is ObjectDisposedException)
                {
                    throw;
                }

                string why = check.Failure != null ? check.Failure : Innermost(ex);
                throw new NetFailure(NetError.TlsFailed, "TLS handshake failed: " + why);
            }
        }

        private static string Innermost(Exception ex)
        {
            string m = ex.Message;
            for (Exception e = ex.InnerException; e != null; e = e.InnerException)
            {
                m = m + " (" + e.Message + ")";
            }

            return m;
        }
#endif

        private static TlsSession Ready(Socket socket, SslStream ssl)
        {
            socket.ReceiveTimeout = IoGuardMs;
            socket.SendTimeout = IoGuardMs;
            return new TlsSession(ssl);
        }

        /// <summary>Engine thread: decrypted bytes wait in the session, so a read returns without touching the socket.</summary>
        internal bool HasBufferedData
        {
            get
            {
#if NANOFRAMEWORK_1_0
                return _ssl.DataAvailable;
#else
                return _plainCount > 0;
#endif
            }
        }

        /// <summary>Engine thread: decrypted bytes into the buffer; 0 = the peer closed, -1 = nothing after all.</summary>
        internal int Read(byte[] buffer, int offset, int count)
        {
            try
            {
#if NANOFRAMEWORK_1_0
                return _ssl.Read(buffer, offset, count);
#else
                return ReadHost(buffer, offset, count);
#endif
            }
            catch (SocketException se)
            {
                if (SocketErrors.IsWouldBlock(se))
                {
                    return -1;
                }

                throw;
            }
        }

        /// <summary>Engine thread: encrypts and sends up to <see cref="MaxWriteChunk"/> bytes; returns how many were taken.</summary>
        internal int Write(byte[] buffer, int offset, int count)
        {
            int n = count < MaxWriteChunk ? count : MaxWriteChunk;
            _ssl.Write(buffer, offset, n);
            return n;
        }

        /// <summary>Any thread: frees the TLS context. The transport closes the socket itself; on the device nano's SslStream.Dispose closes it too, and the later Close is then a no-op.</summary>
        internal void Dispose()
        {
            try
            {
                _ssl.Dispose();
            }
            catch (Exception)
            {
                // The socket was closed first; the context is freed all the same.
            }
        }

#if !NANOFRAMEWORK_1_0
        private int ReadHost(byte[] buffer, int offset, int count)
        {
            if (_plainCount == 0)
            {
                int got = _ssl.Read(_plain, 0, _plain.Length);
                if (got == 0)
                {
                    return 0;
                }

                _plainOffset = 0;
                _plainCount = got;
            }

            int n = count < _plainCount ? count : _plainCount;
            Array.Copy(_plain, _plainOffset, buffer, offset, n);
            _plainOffset += n;
            _plainCount -= n;
            return n;
        }
#endif
    }
}
