using System;

namespace NanoLibNet
{
    // The TLS client's one opt-out of verification, kept apart from Config so that turning it off
    // is a separate, named step that shows in the code and on the netc afterwards. (A // comment:
    // the public summary of NetCtrl is the one in NetCtrl.cs.)
    public sealed partial class NetCtrl
    {
        private bool _tlsInsecure;

        /// <summary>
        /// <b>INSECURE; false by default.</b> True turns off the TLS client's verification of the
        /// server: any certificate, any host name is accepted, so anyone between the device and the
        /// server can read and change the traffic unnoticed (LuatOS's behaviour without a CA).
        /// Meant for a first test against a server with a throwaway certificate, never for a
        /// product. False (default) = the server's chain and host name are verified: against
        /// <see cref="ServerCert"/> when one is configured, else against the platform's trust store
        /// (desktop .NET: the system's root certificates; the device: the CA bundle in the device's
        /// certificate store, uploaded with Visual Studio's Device Explorer or set at run time with
        /// nanoFramework's <c>CertificateManager.AddCaCertificateBundle</c>; with none stored,
        /// every server fails verification there). Set before <c>Connect</c>; kept across
        /// <c>Config</c> and reconnects. No effect on a listener or without TLS.
        /// </summary>
        /// <exception cref="InvalidOperationException">Set while the netc is connecting, connected or listening.</exception>
        /// <exception cref="ObjectDisposedException">Set after the netc was released.</exception>
        public bool TlsInsecureSkipVerify
        {
            get
            {
                return _tlsInsecure;
            }

            set
            {
                lock (Sync)
                {
                    ThrowIfReleased();
                    if (IsActive(_state))
                    {
                        throw new InvalidOperationException("TlsInsecureSkipVerify while " + StateName(_state) + ": close the netc first");
                    }

                    _tlsInsecure = value;
                }
            }
        }
    }
}
