using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests
{
    public class SmokeTests : NetTest
    {
        [Fact]
        public void TcpRoundTripThroughEchoPeer()
        {
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    Assert.True(LibNet.Connect(me, Bound, netc, "127.0.0.1", peer.Port));
                    byte[] data = Encoding.ASCII.GetBytes("ping");
                    Assert.True(LibNet.Tx(me, Bound, netc, data, out bool full));
                    Assert.False(full);
                    byte[] buf = new byte[16];
                    int got = 0;
                    while (got < 4)
                    {
                        Assert.True(LibNet.Wait(me, Bound, netc, out bool ev));
                        Assert.True(ev);
                        Assert.True(netc.Rx(buf, got, buf.Length - got, out int n));
                        got += n;
                    }

                    Assert.Equal("ping", Encoding.ASCII.GetString(buf, 0, got));
                    LibNet.Close(me, Bound, netc);
                    netc.Release();
                });
            }
        }
    }
}
