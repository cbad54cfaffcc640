using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using Xunit;

namespace NanoLibNet.Tests
{
    /// <summary>
    /// Certificates made by this test run with Debian's <c>openssl</c>: a CA, a server certificate
    /// for localhost / 127.0.0.1 (SAN) and a client certificate, both signed by it, an unrelated
    /// second CA, and a self-signed server certificate for localhost / 127.0.0.1 ("selfsigned").
    /// Missing openssl is a failure with a message, never a skip.
    /// </summary>
    public sealed class TestPki : IDisposable
    {
        public TestPki()
        {
            Dir = Path.Combine(Path.GetTempPath(), "libnet-pki-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Dir);
            File.WriteAllText(Path.Combine(Dir, "server.ext"),
                "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
            File.WriteAllText(Path.Combine(Dir, "client.ext"),
                "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
            MakeCa("ca", "LibNet Test CA");
            MakeCa("otherca", "Unrelated Test CA");
            MakeLeaf("server", "localhost", "server.ext");
            MakeLeaf("client", "libnet-client", "client.ext");
            Run("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
                + " -keyout selfsigned.key -out selfsigned.pem -subj \"/CN=localhost\""
                + " -addext subjectAltName=DNS:localhost,IP:127.0.0.1");
            CaPem = Read("ca.pem");
            OtherCaPem = Read("otherca.pem");
            ServerPem = Read("server.pem");
            ServerKey = Read("server.key");
            ClientPem = Read("client.pem");
            ClientKey = Read("client.key");
        }

        public string Dir { get; }

        public string CaPem { get; }

        public string OtherCaPem { get; }

        public string ServerPem { get; }

        public string ServerKey { get; }

        public string ClientPem { get; }

        public string ClientKey { get; }

        public string PathOf(string name)
        {
            return Path.Combine(Dir, name);
        }

        private string Read(string name)
        {
            return File.ReadAllText(PathOf(name));
        }

        private void MakeCa(string name, string cn)
        {
            Run("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
                + " -keyout " + name + ".key -out " + name + ".pem -subj \"/CN=" + cn + "\""
                + " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
        }

        private void MakeLeaf(string name, string cn, string ext)
        {
            Run("req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
                + " -keyout " + name + ".key -out " + name + ".csr -subj \"/CN=" + cn + "\"");
            Run("x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2"
                + " -out " + name + ".pem -extfile " + ext);
        }

        private void Run(string args)
        {
            using (OpenSslProcess p = OpenSslProcess.Start(args, Dir))
            {
                Assert.True(p.WaitExit(30000), "openssl " + args + " did not finish in 30 s:\n" + p.Output);
                Assert.True(p.ExitCode == 0, "openssl " + args + " failed (" + p.ExitCode + "):\n" + p.Output);
            }
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Dir, true);
            }
            catch (IOException)
            {
                // Left in the temp directory: harmless.
            }
        }
    }

    /// <summary>
    /// An <c>openssl</c> process (s_server, s_client, req, x509) whose output is collected; every
    /// wait on it is bounded; Dispose kills it (and its children) if it still runs.
    /// </summary>
    public sealed class OpenSslProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new StringBuilder();
        private readonly object _lock = new object();

        private OpenSslProcess(Process process)
        {
            _process = process;
        }

        public static OpenSslProcess Start(string args, string workDir)
        {
            ProcessStartInfo psi = new ProcessStartInfo("openssl", args)
            {
                WorkingDirectory = workDir,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            Process p = new Process { StartInfo = psi };
            OpenSslProcess op = new OpenSslProcess(p);
            p.OutputDataReceived += (s, e) => op.Append(e.Data);
            p.ErrorDataReceived += (s, e) => op.Append(e.Data);
            try
            {
                p.Start();
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException(
                    "openssl could not be started (" + ex.Message + "): these tests need Debian's openssl on PATH (apt-get install openssl; .ci/run installs it)", ex);
            }

            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            return op;
        }

        /// <summary>An <c>openssl s_server</c> on 127.0.0.1 and a free port, ready when this returns, with the CA-signed "server" certificate or another of <paramref name="pki"/> (e.g. "selfsigned").</summary>
        public static OpenSslProcess Server(TestPki pki, string extraArgs, out int port, string cert = "server")
        {
            OpenSslProcess p = Start("s_server -accept 127.0.0.1:0 -cert " + cert + ".pem -key " + cert + ".key " + extraArgs, pki.Dir);
            string line = p.WaitForLine("ACCEPT ", 15000);
            if (line == null)
            {
                p.Dispose();
                throw new Xunit.Sdk.XunitException("openssl s_server did not start listening in 15 s:\n" + p.Output);
            }

            port = int.Parse(line.Substring(line.LastIndexOf(':') + 1).Trim());
            return p;
        }

        public string Output
        {
            get
            {
                lock (_lock)
                {
                    return _output.ToString();
                }
            }
        }

        public int ExitCode { get { return _process.ExitCode; } }

        public bool HasExited { get { return _process.HasExited; } }

        private void Append(string line)
        {
            if (line == null)
            {
                return;
            }

            lock (_lock)
            {
                _output.Append(line).Append('\n');
                Monitor.PulseAll(_lock);
            }
        }

        /// <summary>The first output line containing <paramref name="text"/>, or null after <paramref name="timeoutMs"/>.</summary>
        public string WaitForLine(string text, int timeoutMs)
        {
            DateTime end = DateTime.UtcNow.AddMilliseconds(timeoutMs);
            lock (_lock)
            {
                while (true)
                {
                    foreach (string l in _output.ToString().Split('\n'))
                    {
                        if (l.Contains(text, StringComparison.Ordinal))
                        {
                            return l;
                        }
                    }

                    int left = (int)(end - DateTime.UtcNow).TotalMilliseconds;
                    if (left <= 0)
                    {
                        return null;
                    }

                    Monitor.Wait(_lock, Math.Min(left, 200));
                }
            }
        }

        public void WriteLine(string text)
        {
            _process.StandardInput.Write(text + "\n");
            _process.StandardInput.Flush();
        }

        public bool WaitExit(int timeoutMs)
        {
            if (!_process.WaitForExit(timeoutMs))
            {
                return false;
            }

            _process.WaitForExit();
            return true;
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(true);
                    _process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            _process.Dispose();
        }
    }
}
