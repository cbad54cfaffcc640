using System;
using System.Security.Cryptography.X509Certificates;

namespace NanoLibNet
{
    /// <summary>
    /// Turns the PEM text given to <c>NetCtrl.Config</c> into the platform's certificate objects
    /// (nano: its PEM-string constructors; desktop .NET: <c>CreateFromPem</c>). A certificate or
    /// key that cannot be read is a <see cref="NetError.TlsFailed"/> failure that says which.
    /// </summary>
    internal static class TlsCertificates
    {
        /// <summary>A CA (or any trust anchor) certificate, PEM.</summary>
        internal static X509Certificate Authority(string pem)
        {
            try
            {
#if NANOFRAMEWORK_1_0
                return new X509Certificate(pem);
#else
                return X509Certificate2.CreateFromPem(pem);
#endif
            }
            catch (Exception ex)
            {
                throw new NetFailure(NetError.TlsFailed, "the CA certificate (PEM) could not be read: " + ex.Message);
            }
        }

        /// <summary>A certificate with its private key (PEM both; the key may be encrypted with <paramref name="password"/>).</summary>
        internal static X509Certificate WithKey(string certPem, string keyPem, string password)
        {
            if (keyPem == null)
            {
                throw new NetFailure(NetError.TlsFailed, "a TLS certificate needs its private key: Config's clientKey is null");
            }

            try
            {
#if NANOFRAMEWORK_1_0
                return new X509Certificate2(certPem, keyPem, password);
#else
                return password == null
                    ? X509Certificate2.CreateFromPem(certPem, keyPem)
                    : X509Certificate2.CreateFromEncryptedPem(certPem, keyPem, password);
#endif
            }
            catch (Exception ex)
            {
                throw new NetFailure(NetError.TlsFailed, "the certificate or its key (PEM) could not be read: " + ex.Message);
            }
        }
    }
}
