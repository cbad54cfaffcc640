using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using MQTTnet.Server;

namespace NanoLibNet.Mqtt.Bench
{
    /// <summary>
    /// LibNet.Nano.Mqtt against MQTTnet's client, side by side in one run (docs/performance.md):
    /// <list type="bullet">
    /// <item>no argument: the full run (QoS 0 and QoS 1 publish rates, round-trip latency through the broker, bytes allocated per message, threads).</item>
    /// <item><c>--smoke</c>: every measurement with tiny counts (CI); exits non-zero only if one throws or fails.</item>
    /// <item><c>--broker PORT</c>: the broker child process (PORT 0: any free port); prints "ready PORT".</item>
    /// </list>
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length == 2 && args[0] == "--broker")
            {
                return RunBroker(int.Parse(args[1], CultureInfo.InvariantCulture));
            }

            bool smoke = args.Length == 1 && args[0] == "--smoke";
            if (args.Length > 0 && !smoke)
            {
                Console.Error.WriteLine("usage: LibNet.Nano.Mqtt.Bench [--smoke]");
                return 2;
            }

            Console.WriteLine("machine: " + Environment.ProcessorCount + " logical CPUs, " + System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription + ", " + System.Runtime.InteropServices.RuntimeInformation.OSDescription);
            int port = FreePort();
            using Process broker = StartBroker(port);
            try
            {
                Sizes sizes = smoke ? Sizes.Smoke : Sizes.Full;
                Results nano = new LibNetMqtt(port, sizes).Run();
                Results net = new MqttNetClient(port, sizes).Run();
                Results.Print(nano, net, smoke);
                return nano.Ok && net.Ok ? 0 : 1;
            }
            finally
            {
                broker.Kill(true);
                broker.WaitForExit(10000);
            }
        }

        private static Process StartBroker(int port)
        {
            string self = typeof(Program).Assembly.Location;
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(self);
            psi.ArgumentList.Add("--broker");
            psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
            Process p = Process.Start(psi);
            string line = p.StandardOutput.ReadLine();
            if (line == null || !line.StartsWith("ready", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the broker did not start: " + line);
            }

            return p;
        }

        /// <summary>The broker child process (also used by eng/nanovm-mqtt.sh); port 0 = any free one. Prints "ready PORT".</summary>
        private static int RunBroker(int port)
        {
            port = port == 0 ? FreePort() : port;
            MqttServer server = new MqttServerFactory().CreateMqttServer(new MqttServerFactory().CreateServerOptionsBuilder()
                .WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(IPAddress.Loopback).WithDefaultEndpointPort(port)
                .WithMaxPendingMessagesPerClient(100000).Build());
            server.StartAsync().GetAwaiter().GetResult();
            Console.WriteLine("ready " + port.ToString(CultureInfo.InvariantCulture));
            Console.Out.Flush();
            // Runs until the parent kills it.
            Thread.Sleep(Timeout.Infinite);
            return 0;
        }

        private static int FreePort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }
    }

    /// <summary>How much each measurement does.</summary>
    public sealed class Sizes
    {
        public int Qos0Messages;
        public int Qos1Messages;
        public int RoundTrips;
        public double MaxSeconds;
        public int PayloadBytes = 64;

        public static Sizes Full => new Sizes { Qos0Messages = 100000, Qos1Messages = 5000, RoundTrips = 2000, MaxSeconds = 10 };

        public static Sizes Smoke => new Sizes { Qos0Messages = 200, Qos1Messages = 20, RoundTrips = 20, MaxSeconds = 2 };
    }
}
