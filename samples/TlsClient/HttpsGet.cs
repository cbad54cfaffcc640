using System.Text;
using NanoLibNet;

namespace NanoLibNet.Samples
{
    /// <summary>
    /// A LibNet task that does one HTTPS GET: TLS connect (verified against the CA given, else
    /// against the trust store), send the request, read the response until the server closes. Written the way it
    /// runs on the device: no generics, buffers allocated once, every blocking call with a deadline.
    /// </summary>
    public sealed class HttpsGet
    {
        private readonly NetAdapter _adapter;
        private readonly string _host;
        private readonly int _port;
        private readonly string _caPem;
        private readonly StringBuilder _response = new StringBuilder();

        /// <summary>A GET of "/" from <paramref name="host"/>:<paramref name="port"/>, verified against <paramref name="caPem"/>, or with null against the platform's trust store.</summary>
        public HttpsGet(NetAdapter adapter, string host, int port, string caPem)
        {
            _adapter = adapter;
            _host = host;
            _port = port;
            _caPem = caPem;
        }

        /// <summary>The response (headers and body) as text.</summary>
        public string Response { get { return _response.ToString(); } }

        /// <summary>Why it failed, or null.</summary>
        public string Failure { get; private set; }

        /// <summary>The task body (argument unused). Pass it to <see cref="SysPlus.TaskInitEx(TaskBody, string, MessageHandler, object)"/> as task "https".</summary>
        public void Run(object arg)
        {
            const string me = "https";
            NetCtrl netc = NetCtrl.Create(_adapter, me);
            try
            {
                netc.Config(0, false, true, 60, 10, 3, _caPem, null, null, null, 2048, 512);
                if (!LibNet.Connect(me, 5000, netc, _host, _port))
                {
                    Failure = "connect: " + NetError.Name(netc.LastError) + " " + netc.LastErrorMessage;
                    return;
                }

                byte[] request = Encoding.UTF8.GetBytes("GET / HTTP/1.0\r\nHost: " + _host + "\r\n\r\n");
                bool full;
                if (!LibNet.Tx(me, 5000, netc, request, out full) || full)
                {
                    Failure = "tx: " + NetError.Name(netc.LastError);
                    return;
                }

                byte[] buf = new byte[512];
                while (true)
                {
                    bool ev;
                    bool ok = LibNet.Wait(me, 5000, netc, out ev);
                    int n;
                    if (!netc.Rx(buf, 0, buf.Length, out n))
                    {
                        break; // the server closed and everything was read
                    }

                    _response.Append(Encoding.UTF8.GetString(buf, 0, n));
                    if (!ok && n == 0)
                    {
                        break;
                    }

                    if (ok && !ev)
                    {
                        Failure = "no data for 5 s";
                        break;
                    }
                }
            }
            finally
            {
                LibNet.Close(me, 2000, netc);
                netc.Release();
            }
        }
    }
}
