using System;
using System.Diagnostics;
using System.Text;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Mqtt.Tests
{
    /// <summary>Faults a real broker on loopback cannot make, played by a scripted stand-in on LibNet's simulated network.</summary>
    public class FaultTests : SimMqttTest
    {
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(4)]
        [InlineData(5)]
        public void RefusedConnectReportsTheConnackCode(int code)
        {
            StartTask(UniqueName("mq"), me =>
            {
                using MqttClient c = NewClient(me, "refuse-me");
                Assert.False(Connect(c));
                Assert.Equal(MqttError.Refused, c.LastError);
                Assert.Equal(code, c.ConnectReturnCode);
                Assert.False(c.IsConnected);
                Assert.NotEqual(NetCtrlState.Online, c.Net.State);
            });
            SimBroker b = AcceptConnect();
            Assert.Equal("refuse-me", b.ConnectClientId);
            Assert.Equal(MqttClient.DefaultKeepAliveSeconds, b.ConnectKeepAlive);
            Assert.Equal(0x02, b.ConnectFlags); // clean session only
            b.ConnAck(false, code);
            Assert.True(b.Peer.WaitClosed(Bound), "the client did not close after the refusal");
            JoinAll();
        }

        [Fact]
        public void SilentBrokerIsDetectedWithinOneAndAHalfKeepalives()
        {
            const int keepAlive = 4;
            long detectedMs = -1;
            StartTask(UniqueName("mq"), me =>
            {
                using MqttClient c = NewClient(me);
                c.KeepAliveSeconds = keepAlive;
                Assert.True(Connect(c));
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(c.Loop(Bound * 2, out bool got));
                detectedMs = sw.ElapsedMilliseconds;
                Assert.False(got);
                Assert.Equal(MqttError.PingTimeout, c.LastError);
                Assert.False(c.IsConnected);
                Assert.Equal(1, c.PingsSent);
            });
            SimBroker b = AcceptConnect();
            b.ConnAck(false, 0);
            b.Expect(12, Bound); // PINGREQ, never answered
            Assert.True(b.Peer.WaitClosed(Bound));
            JoinAll();
            Assert.InRange(detectedMs, keepAlive * 1000, keepAlive * 1500);
        }

        [Fact]
        public void ConnackThatNeverComesIsATimeout()
        {
            StartTask(UniqueName("mq"), me =>
            {
                using MqttClient c = NewClient(me);
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(Connect(c, 300));
                Assert.InRange(sw.ElapsedMilliseconds, 290, 300 + Slack);
                Assert.Equal(MqttError.Timeout, c.LastError);
                Assert.False(c.IsConnected);
            });
            SimBroker b = AcceptConnect();
            Assert.True(b.Peer.WaitClosed(Bound));
            JoinAll();
        }

        [Fact]
        public void BrokerDropMidPublishThenQos1IsResentWithDupOnAKeptSession()
        {
            byte[] payload = new byte[3000];
            new Random(3).NextBytes(payload);
            using ManualResetEventSlim dropped = new ManualResetEventSlim();
            StartTask(UniqueName("mq"), me =>
            {
                using MqttClient c = NewClient(me, "keeper", tx: 4096);
                c.CleanSession = false;
                Assert.True(Connect(c));
                Assert.False(c.Publish(Bound, "data/big", payload, 1, false), "the broker dropped the connection: Publish must fail");
                Assert.Equal(MqttError.Network, c.LastError);
                // Reset; NotConnected when LibNet's Tx saw the failed netc first (LibNet finding 2).
                Assert.True(c.NetError == NetError.Reset || c.NetError == NetError.NotConnected, NetError.Name(c.NetError));
                Assert.False(c.IsConnected);
                Assert.Equal(1, c.InflightCount);
                Assert.False(c.Loop(Bound, out bool got));
                Assert.Equal(MqttError.NotConnected, c.LastError);
                dropped.Set();

                Assert.True(Connect(c), MqttError.Name(c.LastError) + " " + NetError.Name(c.NetError) + " " + c.Net.LastErrorMessage);
                Assert.True(c.SessionPresent);
                Assert.Equal(1, c.Retransmitted);
                Assert.True(c.Flush(Bound), MqttError.Name(c.LastError));
                Assert.Equal(0, c.InflightCount);
                Assert.True(c.Disconnect(Bound));
            });

            SimBroker b = AcceptConnect();
            Assert.Equal(0, b.ConnectFlags & 0x02);
            b.ConnAck(false, 0);
            byte[] part = new byte[100];
            Assert.True(b.Peer.ReadExactly(part, 0, part.Length, Bound));
            Assert.Equal(0x32, part[0]); // PUBLISH, QoS 1, no DUP yet
            b.Peer.Reset();
            Assert.True(dropped.Wait(Bound));

            SimBroker again = AcceptConnect();
            again.ConnAck(true, 0);
            again.Expect(3);
            Assert.Equal(0x0A, again.Flags); // DUP + QoS 1
            Assert.Equal("data/big", again.PublishTopic);
            int id = again.PublishId;
            Assert.Equal(payload, again.Body.AsSpan(2 + 8 + 2).ToArray());
            again.PubAck(id);
            again.Expect(14); // DISCONNECT
            JoinAll();
        }

        [Fact]
        public void CleanSessionDropsWhatWasInFlight()
        {
            using ManualResetEventSlim dropped = new ManualResetEventSlim();
            StartTask(UniqueName("mq"), me =>
            {
                using MqttClient c = NewClient(me);
                Assert.True(Connect(c));
                Assert.False(c.Publish(Bound, "t", new byte[10], 1, false));
                Assert.Equal(1, c.InflightCount);
                dropped.Set();
                Assert.True(Connect(c));
                Assert.Equal(0, c.InflightCount);
                Assert.Equal(0, c.Retransmitted);
                Assert.True(c.Disconnect(Bound));
            });
            SimBroker b = AcceptConnect();
            b.ConnAck(false, 0);
            b.Expect(3);
            b.Peer.Reset();
            Assert.True(dropped.Wait(Bound));
            SimBroker again = AcceptConnect();
            again.ConnAck(false, 0);
            again.Expect(14); // straight to DISCONNECT: nothing was resent
            JoinAll();
        }

        [Fact]
        public void LinkDownDuringLoopIsAResult()
        {
            using ManualResetEventSlim looping = new ManualResetEventSlim();
            StartTask(UniqueName("mq"), me =>
            {
                using MqttClient c = NewClient(me);
                Assert.True(Connect(c));
                looping.Set();
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(c.Loop(Bound * 2, out bool got));
                Assert.True(sw.ElapsedMilliseconds < Bound, "Loop waited for its deadline");
                Assert.Equal(MqttError.Network, c.LastError);
                Assert.Equal(NetError.LinkDown, c.NetError);
            });
            SimBroker b = AcceptConnect();
            b.ConnAck(false, 0);
            Assert.True(looping.Wait(Bound));
            Sim.SetLinkUp(false);
            JoinAll();
        }

        [Fact]
        public void BrokerClosingTheConnectionEndsLoop()
        {
            StartTask(UniqueName("mq"), me =>
            {
                using MqttClient c = NewClient(me);
                Assert.True(Connect(c));
                Assert.False(c.Loop(Bound, out bool got));
                Assert.Equal(MqttError.Network, c.LastError);
                Assert.False(c.IsConnected);
            });
            SimBroker b = AcceptConnect();
            b.ConnAck(false, 0);
            b.Peer.Close();
            JoinAll();
        }

        [Theory]
        [InlineData(new byte[] { 0x50, 0x02, 0x00, 0x01 })] // PUBREC: QoS 2, never asked for
        [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // remaining length of 5 bytes
        [InlineData(new byte[] { 0x20, 0x02, 0x00, 0x00 })] // a second CONNACK
        [InlineData(new byte[] { 0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01 })] // PUBLISH with QoS 3
        public void MalformedOrUnexpectedPacketsAreProtocolErrors(byte[] packet)
        {
            StartTask(UniqueName("mq"), me =>
            {
                using MqttClient c = NewClient(me);
                Assert.True(Connect(c));
                Assert.False(c.Loop(Bound, out bool got));
                Assert.Equal(MqttError.ProtocolError, c.LastError);
                Assert.False(c.IsConnected);
            });
            SimBroker b = AcceptConnect();
            b.ConnAck(false, 0);
            b.Write(packet);
            Assert.True(b.Peer.WaitClosed(Bound), "the client did not close on a protocol error");
            JoinAll();
        }

        [Fact]
        public void OversizeQos1PublishIsSkippedButStillAcknowledged()
        {
            StartTask(UniqueName("mq"), me =>
            {
                using MqttClient c = NewClient(me, rx: 128);
                Assert.True(Connect(c));
                Assert.True(c.Loop(Bound, out bool got), MqttError.Name(c.LastError));
                Assert.True(got);
                Assert.True(c.TopicIs("small"));
                Assert.Equal(1, c.MessagesDropped);
                Assert.True(c.Disconnect(Bound));
            });
            SimBroker b = AcceptConnect();
            b.ConnAck(false, 0);
            b.Publish("a/long/topic/name", new byte[2000], 1, 0x1234);
            b.Expect(4); // PUBACK for the message the client could not keep
            Assert.Equal(0x1234, b.U16(0));
            b.Publish("small", Encoding.ASCII.GetBytes("ok"), 0, 0);
            b.Expect(14);
            JoinAll();
        }

        [Fact]
        public void ReceivedQos1IsAcknowledgedWhenHandedOut()
        {
            StartTask(UniqueName("mq"), me =>
            {
                using MqttClient c = NewClient(me);
                Assert.True(Connect(c));
                Assert.True(c.Loop(Bound, out bool got));
                Assert.True(got);
                Assert.Equal(1, c.MessageQos);
                Assert.True(c.MessageDup);
                Assert.True(c.Disconnect(Bound));
            });
            SimBroker b = AcceptConnect();
            b.ConnAck(false, 0);
            b.Write(0x3A, 0x07, 0x00, 0x01, (byte)'t', 0x00, 0x09, (byte)'h', (byte)'i'); // DUP QoS 1 id 9
            b.Expect(4);
            Assert.Equal(9, b.U16(0));
            b.Expect(14);
            JoinAll();
        }
    }
}
