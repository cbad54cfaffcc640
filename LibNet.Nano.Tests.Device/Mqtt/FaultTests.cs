using System;
using System.Threading;
using nanoFramework.TestFramework;
using NanoLibNet.Mqtt;

namespace NanoLibNet.Tests.Device.Mqtt
{
    /// <summary>
    /// LibNet.Nano.Mqtt's faults a real broker cannot make, played by a scripted stand-in on
    /// LibNet's simulated network, on the nanoCLR: the host suite's
    /// LibNet.Nano.Mqtt.Tests/FaultTests.cs, same cases, same assertions.
    /// </summary>
    [TestClass]
    public class FaultTests
    {
        [TestMethod]
        [DataRow(1)]
        [DataRow(2)]
        [DataRow(3)]
        [DataRow(4)]
        [DataRow(5)]
        public void RefusedConnectReportsTheConnackCode(int code)
        {
            SimMqtt t = SimMqtt.Begin();
            Env.Start("mq", me =>
            {
                using MqttClient c = t.NewClient(me, "refuse-me");
                Assert.IsFalse(SimMqtt.Connect(c));
                Assert.AreEqual(MqttError.Refused, c.LastError, SimMqtt.Errors(c));
                Assert.AreEqual(code, c.ConnectReturnCode);
                Assert.IsFalse(c.IsConnected);
                Assert.AreNotEqual((int)NetCtrlState.Online, (int)c.Net.State);
            });
            SimBroker b = t.AcceptConnect();
            Assert.AreEqual("refuse-me", b.ConnectClientId);
            Assert.AreEqual(MqttClient.DefaultKeepAliveSeconds, b.ConnectKeepAlive);
            Assert.AreEqual(0x02, b.ConnectFlags, "clean session only");
            b.ConnAck(false, code);
            Assert.IsTrue(b.Peer.WaitClosed(Env.Bound), "the client did not close after the refusal");
            Env.JoinAll();
            t.End();
        }

        [TestMethod]
        public void SilentBrokerIsDetectedWithinOneAndAHalfKeepalives()
        {
            const int keepAlive = 4;
            SimMqtt t = SimMqtt.Begin();
            Box detected = new Box();
            detected.Number = -1;
            Env.Start("mq", me =>
            {
                using MqttClient c = t.NewClient(me);
                c.KeepAliveSeconds = keepAlive;
                SimMqtt.MustConnect(c);
                long t0 = Clock.Now;
                bool got;
                Assert.IsFalse(c.Loop(Env.Bound * 2, out got));
                detected.Number = Clock.Since(t0);
                Assert.IsFalse(got);
                Assert.AreEqual(MqttError.PingTimeout, c.LastError, SimMqtt.Errors(c));
                Assert.IsFalse(c.IsConnected);
                Assert.AreEqual(1, c.PingsSent);
            });
            SimBroker b = t.AcceptConnAck();
            b.Expect(12, Env.Bound); // PINGREQ, never answered
            Assert.IsTrue(b.Peer.WaitClosed(Env.Bound));
            Env.JoinAll();
            long ms = detected.Number;
            Assert.IsTrue(ms >= keepAlive * 1000 && ms <= keepAlive * 1500, "detected after " + ms + " ms, keepalive " + keepAlive + " s");
            t.End();
        }

        [TestMethod]
        public void ConnackThatNeverComesIsATimeout()
        {
            SimMqtt t = SimMqtt.Begin();
            Env.Start("mq", me =>
            {
                using MqttClient c = t.NewClient(me);
                long t0 = Clock.Now;
                Assert.IsFalse(SimMqtt.Connect(c, 300));
                long ms = Clock.Since(t0);
                Assert.IsTrue(ms >= 290 && ms <= 300 + Env.Slack, "Connect(300) returned after " + ms + " ms");
                Assert.AreEqual(MqttError.Timeout, c.LastError, SimMqtt.Errors(c));
                Assert.IsFalse(c.IsConnected);
            });
            SimBroker b = t.AcceptConnect();
            Assert.IsTrue(b.Peer.WaitClosed(Env.Bound));
            Env.JoinAll();
            t.End();
        }

        [TestMethod]
        public void BrokerDropMidPublishThenQos1IsResentWithDupOnAKeptSession()
        {
            SimMqtt t = SimMqtt.Begin();
            byte[] payload = new byte[3000];
            new Random(3).NextBytes(payload);
            ManualResetEvent dropped = new ManualResetEvent(false);
            Env.Start("mq", me =>
            {
                using MqttClient c = t.NewClient(me, "keeper", 1024, 4096, 4);
                c.CleanSession = false;
                SimMqtt.MustConnect(c);
                Assert.IsFalse(c.Publish(Env.Bound, "data/big", payload, 1, false), "the broker dropped the connection: Publish must fail");
                Assert.AreEqual(MqttError.Network, c.LastError, SimMqtt.Errors(c));

                // Reset; NotConnected when LibNet's Tx saw the failed netc first (LibNet finding 2).
                Assert.IsTrue(c.NetError == NetError.Reset || c.NetError == NetError.NotConnected, NetError.Name(c.NetError));
                Assert.IsFalse(c.IsConnected);
                Assert.AreEqual(1, c.InflightCount);
                bool got;
                Assert.IsFalse(c.Loop(Env.Bound, out got));
                Assert.AreEqual(MqttError.NotConnected, c.LastError, SimMqtt.Errors(c));
                dropped.Set();

                Assert.IsTrue(SimMqtt.Connect(c), SimMqtt.Errors(c) + " " + c.Net.LastErrorMessage);
                Assert.IsTrue(c.SessionPresent);
                Assert.AreEqual(1, c.Retransmitted);
                Assert.IsTrue(c.Flush(Env.Bound), SimMqtt.Errors(c));
                Assert.AreEqual(0, c.InflightCount);
                Assert.IsTrue(c.Disconnect(Env.Bound));
            });

            SimBroker b = t.AcceptConnect();
            Assert.AreEqual(0, b.ConnectFlags & 0x02);
            b.ConnAck(false, 0);
            byte[] part = new byte[100];
            Assert.IsTrue(b.Peer.ReadExactly(part, 0, part.Length, Env.Bound));
            Assert.AreEqual(0x32, (int)part[0], "PUBLISH, QoS 1, no DUP yet");
            b.Peer.Reset();
            Assert.IsTrue(dropped.WaitOne(Env.Bound, false), "the client did not see the drop");

            SimBroker again = t.AcceptConnect();
            again.ConnAck(true, 0);
            again.Expect(3);
            Assert.AreEqual(0x0A, again.Flags, "DUP + QoS 1");
            Assert.AreEqual("data/big", again.PublishTopic);
            int id = again.PublishId;
            const int at = 2 + 8 + 2;
            Assert.AreEqual(payload.Length, again.Body.Length - at, "payload length");
            for (int i = 0; i < payload.Length; i++)
            {
                if (again.Body[at + i] != payload[i])
                {
                    Assert.AreEqual((int)payload[i], (int)again.Body[at + i], "payload byte " + i + " of the resent message");
                }
            }

            again.PubAck(id);
            again.Expect(14); // DISCONNECT
            Env.JoinAll();
            t.End();
        }

        [TestMethod]
        public void CleanSessionDropsWhatWasInFlight()
        {
            SimMqtt t = SimMqtt.Begin();
            ManualResetEvent dropped = new ManualResetEvent(false);
            Env.Start("mq", me =>
            {
                using MqttClient c = t.NewClient(me);
                SimMqtt.MustConnect(c);
                Assert.IsFalse(c.Publish(Env.Bound, "t", new byte[10], 1, false));
                Assert.AreEqual(1, c.InflightCount);
                dropped.Set();
                SimMqtt.MustConnect(c);
                Assert.AreEqual(0, c.InflightCount);
                Assert.AreEqual(0, c.Retransmitted);
                Assert.IsTrue(c.Disconnect(Env.Bound));
            });
            SimBroker b = t.AcceptConnAck();
            b.Expect(3);
            b.Peer.Reset();
            Assert.IsTrue(dropped.WaitOne(Env.Bound, false), "the client did not see the drop");
            SimBroker again = t.AcceptConnAck();
            again.Expect(14); // straight to DISCONNECT: nothing was resent
            Env.JoinAll();
            t.End();
        }

        [TestMethod]
        public void LinkDownDuringLoopIsAResult()
        {
            SimMqtt t = SimMqtt.Begin();
            ManualResetEvent looping = new ManualResetEvent(false);
            Env.Start("mq", me =>
            {
                using MqttClient c = t.NewClient(me);
                SimMqtt.MustConnect(c);
                looping.Set();
                long t0 = Clock.Now;
                bool got;
                Assert.IsFalse(c.Loop(Env.Bound * 2, out got));
                Assert.IsTrue(Clock.Since(t0) < Env.Bound, "Loop waited for its deadline");
                Assert.AreEqual(MqttError.Network, c.LastError, SimMqtt.Errors(c));
                Assert.AreEqual(NetError.LinkDown, c.NetError, NetError.Name(c.NetError));
            });
            SimBroker b = t.AcceptConnAck();
            Assert.IsTrue(looping.WaitOne(Env.Bound, false), "the client did not connect");
            t.Sim.SetLinkUp(false);
            Env.JoinAll();
            t.End();
        }

        [TestMethod]
        public void BrokerClosingTheConnectionEndsLoop()
        {
            SimMqtt t = SimMqtt.Begin();
            Env.Start("mq", me =>
            {
                using MqttClient c = t.NewClient(me);
                SimMqtt.MustConnect(c);
                bool got;
                Assert.IsFalse(c.Loop(Env.Bound, out got));
                Assert.AreEqual(MqttError.Network, c.LastError, SimMqtt.Errors(c));
                Assert.IsFalse(c.IsConnected);
            });
            SimBroker b = t.AcceptConnAck();
            b.Peer.Close();
            Env.JoinAll();
            t.End();
        }

        /// <summary>The packets of <see cref="MalformedOrUnexpectedPacketsAreProtocolErrors"/> (a DataRow cannot carry a byte array here).</summary>
        private static byte[] Malformed(int row)
        {
            switch (row)
            {
                case 0: return new byte[] { 0x50, 0x02, 0x00, 0x01 }; // PUBREC: QoS 2, never asked for
                case 1: return new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }; // remaining length of 5 bytes
                case 2: return new byte[] { 0x20, 0x02, 0x00, 0x00 }; // a second CONNACK
                default: return new byte[] { 0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01 }; // PUBLISH with QoS 3
            }
        }

        [TestMethod]
        [DataRow(0)]
        [DataRow(1)]
        [DataRow(2)]
        [DataRow(3)]
        public void MalformedOrUnexpectedPacketsAreProtocolErrors(int row)
        {
            byte[] packet = Malformed(row);
            SimMqtt t = SimMqtt.Begin();
            Env.Start("mq", me =>
            {
                using MqttClient c = t.NewClient(me);
                SimMqtt.MustConnect(c);
                bool got;
                Assert.IsFalse(c.Loop(Env.Bound, out got));
                Assert.AreEqual(MqttError.ProtocolError, c.LastError, SimMqtt.Errors(c));
                Assert.IsFalse(c.IsConnected);
            });
            SimBroker b = t.AcceptConnAck();
            b.Write(packet);
            Assert.IsTrue(b.Peer.WaitClosed(Env.Bound), "the client did not close on a protocol error");
            Env.JoinAll();
            t.End();
        }

        [TestMethod]
        public void OversizeQos1PublishIsSkippedButStillAcknowledged()
        {
            SimMqtt t = SimMqtt.Begin();
            Env.Start("mq", me =>
            {
                using MqttClient c = t.NewClient(me, "sim", 128, 1024, 4);
                SimMqtt.MustConnect(c);
                bool got;
                Assert.IsTrue(c.Loop(Env.Bound, out got), SimMqtt.Errors(c));
                Assert.IsTrue(got);
                Assert.IsTrue(c.TopicIs("small"));
                Assert.AreEqual(1, c.MessagesDropped);
                Assert.IsTrue(c.Disconnect(Env.Bound));
            });
            SimBroker b = t.AcceptConnAck();
            b.Publish("a/long/topic/name", new byte[2000], 1, 0x1234);
            b.Expect(4); // PUBACK for the message the client could not keep
            Assert.AreEqual(0x1234, b.U16(0));
            b.Publish("small", Bytes.Ascii("ok"), 0, 0);
            b.Expect(14);
            Env.JoinAll();
            t.End();
        }

        [TestMethod]
        public void ReceivedQos1IsAcknowledgedWhenHandedOut()
        {
            SimMqtt t = SimMqtt.Begin();
            Env.Start("mq", me =>
            {
                using MqttClient c = t.NewClient(me);
                SimMqtt.MustConnect(c);
                bool got;
                Assert.IsTrue(c.Loop(Env.Bound, out got), SimMqtt.Errors(c));
                Assert.IsTrue(got);
                Assert.AreEqual(1, c.MessageQos);
                Assert.IsTrue(c.MessageDup);
                Assert.IsTrue(c.Disconnect(Env.Bound));
            });
            SimBroker b = t.AcceptConnAck();
            b.Write(0x3A, 0x07, 0x00, 0x01, (byte)'t', 0x00, 0x09, (byte)'h', (byte)'i'); // DUP QoS 1 id 9
            b.Expect(4);
            Assert.AreEqual(9, b.U16(0));
            b.Expect(14);
            Env.JoinAll();
            t.End();
        }
    }
}
