#if !NANOFRAMEWORK_1_0
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace NanoLibNet
{
    /// <summary>
    /// Desktop .NET only: what <c>SslStream</c> asks while it handshakes, and the reason of a
    /// refusal in words for <c>LastErrorMessage</c>. A client verifies the server's chain and host
    /// name against the one configured CA, or, with none, against the system's trust store (what
    /// <c>SslStream</c> already checked: its policy errors); only the explicit insecure opt-out
    /// accepts anything. A listener with a CA requires and verifies client certificates against
    /// it; without one it asks for none.
    /// </summary>
    internal sealed class TlsPeerCheck
    {
        private readonly X509Certificate _ca;
        private readonly bool _peerIsClient;
        private readonly X509Certificate _own;
        private readonly bool _insecure;

        internal TlsPeerCheck(X509Certificate ca, bool peerIsClient, X509Certificate own, bool insecure)
        {
            _ca = ca;
            _peerIsClient = peerIsClient;
            _own = own;
            _insecure = insecure;
        }

        /// <summary>Why the peer was refused, or null.</summary>
        internal string Failure;

        internal bool Validate(object sender, X509Certificate certificate, X509Chain chain, SslPolicyErrors errors)
        {
            if (_insecure)
            {
                // NetCtrl.TlsInsecureSkipVerify: the user turned verification off by name.
                return true;
            }

            if (_ca == null)
            {
                return _peerIsClient ? true : AgainstTrustStore(certificate, chain, errors);
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

        /// <summary>A server checked by SslStream against the system's roots and the host name: accepted only without policy errors.</summary>
        private bool AgainstTrustStore(X509Certificate certificate, X509Chain chain, SslPolicyErrors errors)
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            const string prefix = "server certificate verification failed against the system's trust store (no CA configured; give Config the server's CA, or, insecure, set TlsInsecureSkipVerify): ";
            if (certificate == null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                Failure = prefix + "the server sent no certificate";
                return false;
            }

            string why = "";
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                why = "it does not name the host connected to";
            }

            if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                string chainWhy = "";
                if (chain != null)
                {
                    foreach (X509ChainStatus s in chain.ChainStatus)
                    {
                        chainWhy += (chainWhy.Length == 0 ? "" : ", ") + s.Status + " (" + s.StatusInformation.Trim() + ")";
                    }
                }

                why += (why.Length == 0 ? "" : "; ") + "its chain is not trusted" + (chainWhy.Length == 0 ? "" : ": " + chainWhy);
            }

            Failure = prefix + why;
            return false;
        }

        internal X509Certificate SelectLocal(object sender, string targetHost, X509CertificateCollection localCertificates, X509Certificate remoteCertificate, string[] acceptableIssuers)
        {
            return _own;
        }
    }
}
#endif
