using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>Test data and the receive helpers the LibNet tests share.</summary>
    public static class Bytes
    {
        /// <summary><paramref name="n"/> bytes of a pattern that differs per <paramref name="seed"/>.</summary>
        public static byte[] Pattern(int n, int seed)
        {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++)
            {
                b[i] = (byte)((i * 7 + seed * 13 + (i >> 8)) & 0xFF);
            }

            return b;
        }

        /// <summary>ASCII bytes of <paramref name="text"/>.</summary>
        public static byte[] Ascii(string text)
        {
            byte[] b = new byte[text.Length];
            for (int i = 0; i < text.Length; i++)
            {
                b[i] = (byte)text[i];
            }

            return b;
        }

        /// <summary>The ASCII text of <paramref name="count"/> bytes.</summary>
        public static string Text(byte[] b, int offset, int count)
        {
            char[] c = new char[count];
            for (int i = 0; i < count; i++)
            {
                c[i] = (char)b[offset + i];
            }

            return new string(c);
        }

        /// <summary>True when the two ranges hold the same bytes.</summary>
        public static bool Same(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Reads all that is waiting in <paramref name="n"/> into <paramref name="into"/> from <paramref name="at"/>; returns how many.</summary>
        public static int Drain(NetCtrl n, byte[] into, int at)
        {
            int total = 0;
            while (at + total < into.Length)
            {
                int got;
                Assert.IsTrue(n.Rx(into, at + total, into.Length - at - total, out got), "Rx failed: " + NetError.Name(n.LastError));
                if (got == 0)
                {
                    break;
                }

                total += got;
            }

            return total;
        }

        /// <summary>Reads exactly <paramref name="into"/>.Length bytes with LibNet.Wait and Rx (bounded).</summary>
        public static void Receive(string me, NetCtrl n, byte[] into)
        {
            int got = Drain(n, into, 0);
            while (got < into.Length)
            {
                bool ev;
                Assert.IsTrue(LibNet.Wait(me, Env.Bound, n, out ev), "Wait failed: " + NetError.Name(n.LastError) + " " + n.LastErrorMessage);
                Assert.IsTrue(ev, "no data within " + Env.Bound + " ms (" + got + " of " + into.Length + " bytes)");
                got += Drain(n, into, got);
            }
        }

        /// <summary>Tx, then Wait and Rx until <paramref name="data"/> came back from an echo peer.</summary>
        public static void EchoRoundTrip(string me, NetCtrl n, byte[] data)
        {
            bool full;
            Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, data, out full), "Tx failed: " + NetError.Name(n.LastError) + " " + n.LastErrorMessage);
            Assert.IsFalse(full, "Tx: buffer full");
            byte[] back = new byte[data.Length];
            Receive(me, n, back);
            Assert.IsTrue(Same(data, back), "the echo differs from what was sent");
        }

        /// <summary>Asserts the connect succeeded, saying why when it did not.</summary>
        public static void MustConnect(string me, NetCtrl n, string host, int port)
        {
            Assert.IsTrue(LibNet.Connect(me, Env.Bound, n, host, port), "connect to " + host + ":" + port + " failed: " + NetError.Name(n.LastError) + " " + n.LastErrorMessage);
        }

        /// <summary>A TCP netc on <paramref name="adapter"/> owned by task <paramref name="me"/>, default rings.</summary>
        public static NetCtrl Tcp(NetAdapter adapter, string me, int localPort)
        {
            NetCtrl n = NetCtrl.Create(adapter, me);
            n.Config(localPort, false, false);
            return n;
        }

        /// <summary>A TCP netc on <paramref name="sim"/> owned by task <paramref name="me"/>, connected to the simulated peer on <paramref name="port"/>.</summary>
        public static NetCtrl SimConnected(SimulatedAdapter sim, string me, int port)
        {
            NetCtrl n = Tcp(sim, me, 0);
            MustConnect(me, n, SimulatedAdapter.PeerAddress, port);
            return n;
        }

        /// <summary>A TCP netc with a send ring of <paramref name="txSize"/> bytes.</summary>
        public static NetCtrl Tcp(NetAdapter adapter, string me, int localPort, int txSize)
        {
            NetCtrl n = NetCtrl.Create(adapter, me);
            n.Config(localPort, false, false, 0, 0, 0, null, null, null, null, NetCtrl.DefaultBufferSize, txSize);
            return n;
        }
    }
}
