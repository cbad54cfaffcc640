#if !NANOFRAMEWORK_1_0
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace NanoLibNet
{
    /// <summary>
    /// Desktop .NET only: what <c>SslStream</c> asks while it handshakes. It verifies the peer
    /// against the one configured CA (not the machine's trust store), or not at all when none is
    /// configured, and keeps the reason of a refusal in words for <c>LastErrorMessage</c>.
    /// </summary>
    internal sealed class TlsPeerCheck
    {
        private readonly X509Certificate _ca;
        private readonly bool _peerIsClient;
        private readonly X509Certificate _own;

        internal TlsPeerCheck(X509Certificate ca, bool peerIsClient, X509Certificate own)
        {
            _ca = ca;
            _peerIsClient = peerIsClient;
            _own = own;
        }

        /// <summary>Why the peer was refused, or null.</summary>
        internal string Failure;

        internal bool Validate(object sender, X509Certificate certificate, X509Chain chain, SslPolicyErrors errors)
        {
            if (_ca == null)
            {
                // No CA configured: no verification, as LuatOS does.
                return true;
            }

            string peer = _peerIsClient ? "client" : "server";
            if (certificate == null)
            {
                Failure = "the " + peer + " sent no certificate (one is required)";
                return false;
            }

            if (!_peerIsClient && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                Failure = "server certificate verification failed: it does not name the host connected to";
                return false;
            }

            using (X509Chain own = new X509Chain())
            using (X509Certificate2 leaf = new X509Certificate2(certificate))
            {
                own.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                own.ChainPolicy.CustomTrustStore.Add(new X509Certificate2(_ca));
                own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                if (chain != null)
                {
                    own.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
                }

                if (own.Build(leaf))
                {
                    return true;
                }

                string why = "";
                foreach (X509ChainStatus s in own.ChainStatus)
                {
                    why += (why.Length == 0 ? "" : ", ") + s.Status + " (" + s.StatusInformation.Trim() + ")";
                }

                Failure = peer + " certificate verification failed against the configured CA: " + why;
                return false;
            }
        }

        internal X509Certificate SelectLocal(object sender, string targetHost, X509CertificateCollection localCertificates, X509Certificate remoteCertificate, string[] acceptableIssuers)
        {
            return _own;
        }
    }
}
#endif
