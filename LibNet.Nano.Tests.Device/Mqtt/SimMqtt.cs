using nanoFramework.TestFramework;
using NanoLibNet.Mqtt;

namespace NanoLibNet.Tests.Device.Mqtt
{
    /// <summary>
    /// What each MQTT device test over the simulated network starts with (the twin of the host
    /// suite's SimMqttTest): a <see cref="SimulatedAdapter"/> in <see cref="Env"/>'s leak check with
    /// a listener on the MQTT port, where a <see cref="SimBroker"/> accepts the client. Test
    /// methods run without an instance, so a test holds one of these in a local:
    /// <see cref="Begin"/> at its start, <see cref="End"/> (the leak check) at its end.
    /// </summary>
    public sealed class SimMqtt
    {
        /// <summary>The port the stand-in broker listens on.</summary>
        public const int Port = 1883;

        private SimMqtt()
        {
            Sim = Env.Sim();
            Listener = Sim.Listen(Port);
        }

        /// <summary>The test's simulated network.</summary>
        public SimulatedAdapter Sim { get; }

        /// <summary>The listener the client connects to.</summary>
        public SimListener Listener { get; }

        /// <summary>Starts a test (<see cref="Env.Begin"/>) with a fresh network and listener.</summary>
        public static SimMqtt Begin()
        {
            Env.Begin();
            return new SimMqtt();
        }

        /// <summary>Ends a test: the leak check (<see cref="Env.End"/>), then closes the listener.</summary>
        public void End()
        {
            try
            {
                Env.End();
            }
            finally
            {
                Listener.Close();
            }
        }

        /// <summary>A client on the test's network in task <paramref name="me"/>, client id "sim", 1024-byte buffers, 4 in flight.</summary>
        public MqttClient NewClient(string me)
        {
            return NewClient(me, "sim", 1024, 1024, 4);
        }

        /// <summary>A client with client id <paramref name="clientId"/>, 1024-byte buffers, 4 in flight.</summary>
        public MqttClient NewClient(string me, string clientId)
        {
            return NewClient(me, clientId, 1024, 1024, 4);
        }

        /// <summary>A client with the given client id, buffers and in-flight slots.</summary>
        public MqttClient NewClient(string me, string clientId, int rx, int tx, int inflight)
        {
            MqttClient c = new MqttClient(Sim, me, rx, tx, inflight);
            c.ClientId = clientId;
            return c;
        }

        /// <summary>Accepts the client's connection and reads its CONNECT.</summary>
        public SimBroker AcceptConnect()
        {
            SimPeer p = Listener.Accept(Env.Bound);
            Assert.IsNotNull(p, "the client did not connect within " + Env.Bound + " ms");
            SimBroker b = new SimBroker(p);
            b.Expect(1);
            return b;
        }

        /// <summary>Accepts the client's connection, reads its CONNECT and answers with a CONNACK (no session, accepted).</summary>
        public SimBroker AcceptConnAck()
        {
            SimBroker b = AcceptConnect();
            b.ConnAck(false, 0);
            return b;
        }

        /// <summary>Connects <paramref name="c"/> to the stand-in broker (bounded by <see cref="Env.Bound"/>).</summary>
        public static bool Connect(MqttClient c)
        {
            return Connect(c, Env.Bound);
        }

        /// <summary>Connects <paramref name="c"/> to the stand-in broker with a deadline of <paramref name="timeout"/> ms.</summary>
        public static bool Connect(MqttClient c, int timeout)
        {
            return c.Connect(timeout, SimulatedAdapter.PeerAddress, Port);
        }

        /// <summary>Asserts that <paramref name="c"/> connects to the stand-in broker, with its errors as the message.</summary>
        public static void MustConnect(MqttClient c)
        {
            Assert.IsTrue(Connect(c), Errors(c));
        }

        /// <summary>The client's errors as text, for assertion messages.</summary>
        public static string Errors(MqttClient c)
        {
            return MqttError.Name(c.LastError) + " / " + NetError.Name(c.NetError);
        }
    }
}
