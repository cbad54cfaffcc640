using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using NanoLibNet;

namespace NanoLibNet.Samples
{
    /// <summary>
    /// <c>dotnet run --project samples/TlsClient</c>: makes a throwaway certificate for localhost
    /// with <c>openssl</c>, starts <c>openssl s_server -www</c> on 127.0.0.1, and runs the
    /// <see cref="HttpsGet"/> task against it, verified against that certificate.
    /// <c>dotnet run --project samples/TlsClient -- HOST PORT [CA.pem]</c> fetches from another server,
    /// verified against CA.pem, or without it against the system's trust store.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length >= 2)
            {
                return Fetch(args[0], int.Parse(args[1]), args.Length > 2 ? File.ReadAllText(args[2]) : null);
            }

            string dir = Path.Combine(Path.GetTempPath(), "libnet-tls-sample-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            Process server = null;
            try
            {
                Openssl(dir, "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -keyout key.pem -out cert.pem"
                    + " -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -addext basicConstraints=critical,CA:TRUE").WaitForExit(30000);
                server = Openssl(dir, "s_server -www -accept 127.0.0.1:0 -cert cert.pem -key key.pem");
                int port = 0;
                DateTime end = DateTime.UtcNow.AddSeconds(15);
                while (port == 0 && DateTime.UtcNow < end)
                {
                    string line = server.StandardOutput.ReadLine();
                    if (line == null)
                    {
                        break;
                    }

                    if (line.StartsWith("ACCEPT ", StringComparison.Ordinal))
                    {
                        port = int.Parse(line.Substring(line.LastIndexOf(':') + 1));
                    }
                }

                if (port == 0)
                {
                    Console.WriteLine("openssl s_server did not start");
                    return 1;
                }

                Console.WriteLine("openssl s_server -www on 127.0.0.1:" + port);
                return Fetch("localhost", port, File.ReadAllText(Path.Combine(dir, "cert.pem")));
            }
            finally
            {
                if (server != null && !server.HasExited)
                {
                    server.Kill(true);
                    server.WaitForExit(5000);
                }

                Directory.Delete(dir, true);
            }
        }

        private static int Fetch(string host, int port, string caPem)
        {
            HttpsGet get = new HttpsGet(NetAdapter.Default, host, port, caPem);
            DateTime start = DateTime.UtcNow;
            SysPlus.TaskInitEx(get.Run, "https", null, null);
            bool ended = SysPlus.Join("https", 20000);
            string response = get.Response;
            Console.WriteLine("GET https://" + host + ":" + port + "/ in " + (int)(DateTime.UtcNow - start).TotalMilliseconds + " ms, " + response.Length + " bytes");
            int eol = response.IndexOf('\n');
            Console.WriteLine(eol > 0 ? response.Substring(0, eol).TrimEnd() : response);
            if (!ended || get.Failure != null || !response.StartsWith("HTTP/1.", StringComparison.Ordinal))
            {
                Console.WriteLine("TLS SAMPLE FAILED: " + (ended ? get.Failure : "the task did not end"));
                return 1;
            }

            NetAdapter.Default.WaitIdle(2000);
            Console.WriteLine("TLS SAMPLE OK");
            return 0;
        }

        private static Process Openssl(string dir, string args)
        {
            ProcessStartInfo psi = new ProcessStartInfo("openssl", args)
            {
                WorkingDirectory = dir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            return Process.Start(psi);
        }
    }
}
