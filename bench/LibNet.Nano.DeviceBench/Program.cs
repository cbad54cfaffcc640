using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.DeviceBench
{
    /// <summary>
    /// LibNet against raw nano sockets on the nanoCLR, side by side in one run, against the same
    /// loopback peers (played by the host bench, <c>--device</c>): an echo round trip (64 B, 1 KB),
    /// the first byte after a second of idle, and idle phases the host measures the interpreter's
    /// CPU over. It prints "RESULT" lines the host parses; markers go over a control connection.
    /// </summary>
    public static class Program
    {
        /// <summary>The host's echo peer.</summary>
        public const int EchoPort = 47311;

        /// <summary>The host's control port: phase markers, so it can measure the CPU of a phase.</summary>
        public const int ControlPort = 47312;

        private const string Ip = "127.0.0.1";

        private static Socket s_control;

        /// <summary>Runs every measurement; the host reads the output.</summary>
        public static void Main()
        {
            int passes = 7;
            int rounds = 300;
            s_control = Connect(ControlPort);
            Mark("start");
            SocketAdapter adapter = new SocketAdapter();
            adapter.BindAddress = Ip;

            Echo.Raw(64, 20);
            Echo.LibNet(adapter, 64, 20);
            int[] sizes = new int[] { 64, 1024 };
            for (int s = 0; s < sizes.Length; s++)
            {
                long[] raw = new long[passes];
                long[] lib = new long[passes];
                for (int p = 0; p < passes; p++)
                {
                    raw[p] = Echo.Raw(sizes[s], rounds);
                    lib[p] = Echo.LibNet(adapter, sizes[s], rounds);
                    Console.WriteLine("pass " + p + ": echo " + sizes[s] + " B: raw " + Us(raw[p]) + " us, LibNet " + Us(lib[p]) + " us");
                }

                Console.WriteLine("RESULT echo" + sizes[s] + " raw_ticks=" + Median(raw) + " libnet_ticks=" + Median(lib));
            }

            long[] first = new long[5];
            for (int i = 0; i < first.Length; i++)
            {
                first[i] = FirstByte.AfterIdle(adapter, 1000);
                Console.WriteLine("first byte after 1 s idle: " + Us(first[i]) + " us");
            }

            Console.WriteLine("RESULT firstbyte ticks=" + Median(first));

            Idle.Floor(5000, "idle-floor");
            Idle.RawOpen(8, 5000, "idle-raw-open");
            Idle.Raw(8, 5000, "idle-raw");
            Idle.Run(adapter, 8, true, 5000, "idle-waiting");
            Idle.Run(adapter, 8, false, 5000, "idle-open");
            Mark("done");
            s_control.Close();
            Console.WriteLine("RESULT done");
        }

        /// <summary>Tells the host a phase begins or ends.</summary>
        internal static void Mark(string what)
        {
            byte[] b = new byte[what.Length + 1];
            for (int i = 0; i < what.Length; i++)
            {
                b[i] = (byte)what[i];
            }

            b[what.Length] = (byte)'\n';
            s_control.Send(b, 0, b.Length, SocketFlags.None);

            // The host answers once it has read the interpreter's CPU: the phase really ends then.
            byte[] ack = new byte[1];
            s_control.Receive(ack, 0, 1, SocketFlags.None);
        }

        internal static Socket Connect(int port)
        {
            Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(new IPEndPoint(IPAddress.Parse(Ip), port));
            return s;
        }

        internal static long Now()
        {
            return DateTime.UtcNow.Ticks;
        }

        private static string Us(long ticks)
        {
            return (ticks / 10).ToString();
        }

        private static long Median(long[] v)
        {
            long[] c = new long[v.Length];
            Array.Copy(v, c, v.Length);
            for (int i = 1; i < c.Length; i++)
            {
                long x = c[i];
                int j = i - 1;
                while (j >= 0 && c[j] > x)
                {
                    c[j + 1] = c[j];
                    j--;
                }

                c[j + 1] = x;
            }

            return c[c.Length / 2];
        }
    }
}
