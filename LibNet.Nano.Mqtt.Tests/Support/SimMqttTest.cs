using System;
using System.Threading;
using NanoLibNet;
using NanoLibNet.Tests;
using Xunit;

namespace NanoLibNet.Mqtt.Tests
{
    /// <summary>Base of the fault tests: LibNet's <see cref="SimulatedAdapter"/> per test (in the leak check) with a scripted broker stand-in.</summary>
    public abstract class SimMqttTest : NetTest
    {
        protected const int Port = 1883;

        protected SimMqttTest()
        {
            Sim = Track(new SimulatedAdapter(42));
            Listener = Sim.Listen(Port);
        }

        protected SimulatedAdapter Sim { get; }

        protected SimListener Listener { get; }

        protected MqttClient NewClient(string me, string clientId = "sim", int rx = 1024, int tx = 1024, int inflight = 4)
        {
            return new MqttClient(Sim, me, rx, tx, inflight) { ClientId = clientId };
        }

        /// <summary>Accepts the client's connection and reads its CONNECT.</summary>
        protected SimBroker AcceptConnect()
        {
            SimPeer p = Listener.Accept(Bound);
            Assert.NotNull(p);
            SimBroker b = new SimBroker(p);
            b.Expect(1);
            return b;
        }

        protected static bool Connect(MqttClient c, int timeout = Bound)
        {
            return c.Connect(timeout, SimulatedAdapter.PeerAddress, Port);
        }

        public override void Dispose()
        {
            try
            {
                base.Dispose();
            }
            finally
            {
                Listener.Close();
            }
        }
    }
}
