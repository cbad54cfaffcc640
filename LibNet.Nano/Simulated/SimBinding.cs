using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// A bound address and port on the simulated network: a TCP listener (a library netc's
    /// <see cref="SimTransport"/> or a test's <see cref="SimListener"/>) or a UDP port with its
    /// receive queue. Looked up by address bytes and port, so routing a datagram allocates nothing.
    /// </summary>
    internal sealed class SimBinding
    {
        internal readonly byte[] Address = new byte[16];
        internal readonly int AddressLength;
        internal readonly int Port;
        internal readonly bool Udp;

        /// <summary>Who owns it: a <see cref="SimTransport"/>, <see cref="SimListener"/> or <see cref="SimUdpPeer"/>.</summary>
        internal readonly object Owner;

        /// <summary>UDP: the receive queue.</summary>
        internal readonly SimDatagrams Datagrams;

        /// <summary>Set when a datagram or a client arrives.</summary>
        internal readonly AutoResetEvent Signal;

        internal SimBinding(byte[] address, int addressLength, int port, bool udp, object owner, AutoResetEvent signal, int queueBytes)
        {
            for (int i = 0; i < addressLength; i++)
            {
                Address[i] = address[i];
            }

            AddressLength = addressLength;
            Port = port;
            Udp = udp;
            Owner = owner;
            Signal = signal;
            if (udp)
            {
                Datagrams = new SimDatagrams(queueBytes);
            }
        }

        internal bool Matches(byte[] address, int addressLength, int port, bool udp)
        {
            if (port != Port || udp != Udp || addressLength != AddressLength)
            {
                return false;
            }

            for (int i = 0; i < addressLength; i++)
            {
                if (address[i] != Address[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
