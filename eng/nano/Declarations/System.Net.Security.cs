// Compile-only declarations of the nanoFramework TLS surface LibNet.Nano uses (TlsSession,
// TlsCertificates): SslStream, SslProtocols, SslVerification (package nanoFramework.System.Net,
// nanoFramework.System.Net/Security/SslStream.cs and NetworkSecurity.cs), X509Certificate and
// X509Certificate2 (same package, X509Certificates/), and the parts of NetworkStream
// (Sockets/NetworkStream.cs) and System.IO.Stream (package nanoFramework.System.IO.Streams,
// System.IO.Streams/Stream.cs) they inherit and the library calls. Same signatures as nano's;
// only the members used (plus the real constructors). Never shipped, never run. No generics.

namespace System.IO
{
    /// <summary>nano (System.IO.Streams): <c>public abstract class Stream : MarshalByRefObject, IDisposable</c>.</summary>
    public abstract class Stream : MarshalByRefObject, IDisposable
    {
        public abstract int Read(byte[] buffer, int offset, int count);

        public abstract void Write(byte[] buffer, int offset, int count);

        public virtual void Close() { throw new NotImplementedException(); }

        /// <summary>nano: public, not virtual; calls Close() and swallows its exceptions.</summary>
        public void Dispose() { throw new NotImplementedException(); }

        protected virtual void Dispose(bool disposing) { throw new NotImplementedException(); }
    }
}

namespace System.Net.Sockets
{
    /// <summary>nano: <c>public class NetworkStream : Stream</c>.</summary>
    public class NetworkStream : System.IO.Stream
    {
        public NetworkStream(Socket socket) { throw new NotImplementedException(); }

        public NetworkStream(Socket socket, bool ownsSocket) { throw new NotImplementedException(); }

        public virtual bool DataAvailable { get { throw new NotImplementedException(); } }

        public override int Read(byte[] buffer, int offset, int count) { throw new NotImplementedException(); }

        public override void Write(byte[] buffer, int offset, int count) { throw new NotImplementedException(); }
    }
}

namespace System.Net.Security
{
    /// <summary>nano: <c>[Flags] public enum SslProtocols</c> (None = 0, Tls = 0x10, Tls11 = 0x20, Tls12 = 0x40).</summary>
    [Flags]
    public enum SslProtocols
    {
        None = 0x00,
        Tls = 0x10,
        Tls11 = 0x20,
        Tls12 = 0x40,
    }

    /// <summary>nano: <c>public enum SslVerification</c>.</summary>
    public enum SslVerification
    {
        NoVerification = 1,
        VerifyPeer = 2,
        CertificateRequired = 4,
        VerifyClientOnce = 8,
    }

    /// <summary>nano: <c>public class SslStream : NetworkStream</c>, built on a connected socket (mbedTLS underneath).</summary>
    public class SslStream : System.Net.Sockets.NetworkStream
    {
        public SslStream(System.Net.Sockets.Socket socket)
            : base(socket, false)
        {
            throw new NotImplementedException();
        }

        /// <summary>nano: default <see cref="SslVerification.CertificateRequired"/>.</summary>
        public SslVerification SslVerification
        {
            get { throw new NotImplementedException(); }
            set { throw new NotImplementedException(); }
        }

        public void AuthenticateAsClient(string targetHost, SslProtocols enabledSslProtocols)
        {
            throw new NotImplementedException();
        }

        public void AuthenticateAsClient(string targetHost, System.Security.Cryptography.X509Certificates.X509Certificate clientCertificate, SslProtocols enabledSslProtocols)
        {
            throw new NotImplementedException();
        }

        public void AuthenticateAsClient(string targetHost, System.Security.Cryptography.X509Certificates.X509Certificate clientCertificate, System.Security.Cryptography.X509Certificates.X509Certificate ca, SslProtocols enabledSslProtocols)
        {
            throw new NotImplementedException();
        }

        public void AuthenticateAsServer(System.Security.Cryptography.X509Certificates.X509Certificate serverCertificate, SslProtocols enabledSslProtocols)
        {
            throw new NotImplementedException();
        }

        /// <summary>nano: sets SslVerification to VerifyClientOnce (required) or NoVerification first.</summary>
        public void AuthenticateAsServer(System.Security.Cryptography.X509Certificates.X509Certificate serverCertificate, bool clientCertificateRequired, SslProtocols enabledSslProtocols)
        {
            throw new NotImplementedException();
        }

        /// <summary>nano: decrypted bytes buffered in the TLS context (SslNative.DataAvailable &gt; 0).</summary>
        public override bool DataAvailable { get { throw new NotImplementedException(); } }

        public override int Read(byte[] buffer, int offset, int size) { throw new NotImplementedException(); }

        public override void Write(byte[] buffer, int offset, int size) { throw new NotImplementedException(); }
    }
}

namespace System.Security.Cryptography.X509Certificates
{
    /// <summary>nano: <c>public class X509Certificate</c>; DER or PEM.</summary>
    public class X509Certificate
    {
        public X509Certificate() { throw new NotImplementedException(); }

        public X509Certificate(byte[] certificate) { throw new NotImplementedException(); }

        /// <summary>nano only: the certificate's PEM (or DER) text.</summary>
        public X509Certificate(string certificate) { throw new NotImplementedException(); }
    }

    /// <summary>nano: <c>public class X509Certificate2 : X509Certificate</c>.</summary>
    public class X509Certificate2 : X509Certificate
    {
        public X509Certificate2() { throw new NotImplementedException(); }

        public X509Certificate2(string certificate) { throw new NotImplementedException(); }

        /// <summary>nano only: certificate PEM, private key PEM, key password or null.</summary>
        public X509Certificate2(string rawData, string key, string password) { throw new NotImplementedException(); }
    }
}
