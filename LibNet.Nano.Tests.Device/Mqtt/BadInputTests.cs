using System;
using System.Threading;
using nanoFramework.TestFramework;
using NanoLibNet.Mqtt;

namespace NanoLibNet.Tests.Device.Mqtt
{
    /// <summary>A check on a connected client (the body of a bad-input test).</summary>
    public delegate void ClientCheck(MqttClient c);

    /// <summary>
    /// LibNet.Nano.Mqtt's bad input on the nanoCLR: a specific exception at once, and nothing sent
    /// (the netc's byte counter does not move). The host suite's
    /// LibNet.Nano.Mqtt.Tests/BadInputTests.cs, same cases, same assertions.
    /// </summary>
    [TestClass]
    public class BadInputTests
    {
        private static void Connected(ClientCheck body)
        {
            Connected(body, 1024, 1024);
        }

        private static void Connected(ClientCheck body, int rx, int tx)
        {
            SimMqtt t = SimMqtt.Begin();
            Env.Start("mq", me =>
            {
                using MqttClient c = t.NewClient(me, "bad", rx, tx, 4);
                SimMqtt.MustConnect(c);
                long before = c.Net.BytesOut;
                body(c);
                Assert.AreEqual(before, c.Net.BytesOut, "bytes sent by the bad calls");
                Assert.IsTrue(c.IsConnected);
                Assert.IsTrue(c.Disconnect(Env.Bound));
            });
            SimBroker b = t.AcceptConnAck();
            b.Expect(14); // the next packet after CONNECT is the DISCONNECT: nothing in between
            Env.JoinAll();
            t.End();
        }

        [TestMethod]
        public void InvalidTopicNamesAndFilters()
        {
            Connected(c =>
            {
                byte[] p = new byte[1];
                Assert.ThrowsException(typeof(ArgumentNullException), () => c.Publish(Env.Bound, null, p, 0, false));
                Assert.ThrowsException(typeof(ArgumentException), () => c.Publish(Env.Bound, "", p, 0, false));
                Assert.ThrowsException(typeof(ArgumentException), () => c.Publish(Env.Bound, "a/+/b", p, 0, false));
                Assert.ThrowsException(typeof(ArgumentException), () => c.Publish(Env.Bound, "a/#", p, 1, false));

                // The host's "a\0b" and "bad\uD800surrogate" cannot be made on the nanoCLR (it makes
                // them "a" and "bad\uFFFDsurrogate", valid names): TopicTests.U0000AndLoneSurrogatesCannotReachTheClient.
                string huge = new string('x', 65536);
                long t0 = Clock.Now;
                Assert.ThrowsException(typeof(ArgumentException), () => c.Publish(Env.Bound, huge, p, 0, false));
                Env.AtOnce(Clock.Since(t0), "rejecting a 65536-character topic");
                Assert.ThrowsException(typeof(ArgumentException), () => c.Subscribe(Env.Bound, "a/#/b", 0));
                Assert.ThrowsException(typeof(ArgumentException), () => c.Subscribe(Env.Bound, "a+", 0));
                Assert.ThrowsException(typeof(ArgumentException), () => c.Subscribe(Env.Bound, "a/b#", 0));
                Assert.ThrowsException(typeof(ArgumentException), () => c.Subscribe(Env.Bound, "", 0));
                Assert.ThrowsException(typeof(ArgumentNullException), () => c.Subscribe(Env.Bound, (string)null, 0));
                Assert.ThrowsException(typeof(ArgumentException), () => c.Unsubscribe(Env.Bound, "+x"));
                Assert.ThrowsException(typeof(ArgumentException), () => c.Subscribe(Env.Bound, new string[] { "ok", "bad#" }, new int[] { 0, 0 }, null));
                Assert.ThrowsException(typeof(ArgumentException), () => c.Subscribe(Env.Bound, new string[] { "a" }, new int[] { 0, 1 }, null));
            });
        }

        [TestMethod]
        public void QosOutsideTheSpecAndQos2()
        {
            Connected(c =>
            {
                byte[] p = new byte[1];
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => c.Publish(Env.Bound, "t", p, 3, false));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => c.Publish(Env.Bound, "t", p, -1, false));
                Assert.ThrowsException(typeof(NotSupportedException), () => c.Publish(Env.Bound, "t", p, 2, false));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => c.Subscribe(Env.Bound, "t", 3));
                Assert.ThrowsException(typeof(NotSupportedException), () => c.Subscribe(Env.Bound, "t", 2));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => c.SetWill("w", p, 3, false));
            });
        }

        [TestMethod]
        public void PayloadTooLargeForTheSendStoreAndBadRanges()
        {
            Connected(
                c =>
                {
                    byte[] big = new byte[300];
                    int id;
                    bool got;
                    Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => c.Publish(Env.Bound, "t", big, 1, false));
                    Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => c.Post(Env.Bound, "t", big, 0, big.Length, 1, false, out id));
                    Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => c.Publish(Env.Bound, "t", big, 10, 291, 0, false));
                    Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => c.Publish(Env.Bound, "t", big, -1, 1, 0, false));
                    Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => c.Publish(-2, "t", big, 0, 1, 0, false));
                    Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => c.Loop(-5, out got));
                    Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => c.Subscribe(Env.Bound, new string('a', 400), 0));
                },
                1024,
                256);
        }

        [TestMethod]
        public void CallsFromAnotherThreadThrow()
        {
            Connected(c =>
            {
                Box caught = new Box();
                Thread t = new Thread(() =>
                {
                    try
                    {
                        c.Publish(Env.Bound, "t", new byte[1], 0, false);
                    }
                    catch (Exception ex)
                    {
                        caught.Value = ex;
                    }
                });
                t.Start();
                Assert.IsTrue(t.Join(Env.Bound), "the other thread did not end");
                Assert.IsNotNull(caught.Value, "a call from another thread did not throw");
                Assert.IsTrue(caught.Value.GetType() == typeof(InvalidOperationException), "expected InvalidOperationException, got " + caught.Value.GetType().FullName);
            });
        }

        [TestMethod]
        public void BadConnectSettingsThrowBeforeAnythingIsSent()
        {
            SimMqtt t = SimMqtt.Begin();
            Env.Start("mq", me =>
            {
                using MqttClient c = t.NewClient(me, "this-client-id-is-24-byt");
                Assert.ThrowsException(typeof(ArgumentException), () => SimMqtt.Connect(c));
                c.ClientId = "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"; // 12 characters, 24 UTF-8 bytes
                Assert.ThrowsException(typeof(ArgumentException), () => SimMqtt.Connect(c));
                c.ClientId = null;
                Assert.ThrowsException(typeof(ArgumentNullException), () => SimMqtt.Connect(c));
                c.ClientId = "";
                c.CleanSession = false;
                Assert.ThrowsException(typeof(ArgumentException), () => SimMqtt.Connect(c));
                c.CleanSession = true;
                c.ClientId = "ok";
                c.Password = "secret";
                Assert.ThrowsException(typeof(ArgumentException), () => SimMqtt.Connect(c));
                c.Password = null;
                c.SetWill("will", new byte[2000], 1, false);
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => SimMqtt.Connect(c)); // CONNECT larger than the receive buffer
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => c.KeepAliveSeconds = 65536);
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => c.Connect(Env.Bound, SimulatedAdapter.PeerAddress, 0));
                Assert.ThrowsException(typeof(ArgumentNullException), () => c.Connect(Env.Bound, null, SimMqtt.Port));
                Assert.AreEqual((int)NetCtrlState.Idle, (int)c.Net.State);
                Assert.AreEqual(0L, c.Net.BytesOut);

                c.ClientId = "this-client-id-is-24-byt";
                c.AllowLongClientId = true;
                c.ClearWill();
                Assert.IsTrue(SimMqtt.Connect(c), "a long client id is allowed when asked for");
                Assert.IsTrue(c.Disconnect(Env.Bound));
            });
            SimBroker b = t.AcceptConnect();
            Assert.AreEqual("this-client-id-is-24-byt", b.ConnectClientId);
            b.ConnAck(false, 0);
            b.Expect(14);
            Env.JoinAll();
            Assert.AreEqual(1, t.Listener.Connections);
            t.End();
        }

        [TestMethod]
        public void ConstructorChecksItsArguments()
        {
            SimMqtt t = SimMqtt.Begin();
            SimulatedAdapter sim = t.Sim;
            Env.InTask(me =>
            {
                bool got;
                Assert.ThrowsException(typeof(ArgumentNullException), () => new MqttClient(null, me, 1024, 1024, 4));
                Assert.ThrowsException(typeof(ArgumentNullException), () => new MqttClient(sim, null, 1024, 1024, 4));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => new MqttClient(sim, me, 63, 1024, 4));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => new MqttClient(sim, me, 1024, 63, 4));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => new MqttClient(sim, me, 1024, 1024, 0));
                Assert.ThrowsException(typeof(InvalidOperationException), () => new MqttClient(sim, "no-such-task", 1024, 1024, 4));
                MqttClient c = new MqttClient(sim, me, 1024, 1024, 4);
                c.Dispose();
                Assert.ThrowsException(typeof(ObjectDisposedException), () => c.Loop(1, out got));
                c.Dispose();
            });
            t.End();
        }
    }
}
