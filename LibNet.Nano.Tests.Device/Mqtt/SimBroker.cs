using System.Text;
using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device.Mqtt
{
    /// <summary>
    /// A scripted MQTT broker stand-in over a <see cref="SimPeer"/> of LibNet's simulated network,
    /// on the nanoCLR (the twin of the host suite's LibNet.Nano.Mqtt.Tests/Support/SimBroker.cs,
    /// without generics): the test reads the client's packets one by one and answers (or does
    /// not) as the fault it plays needs. Only what the MQTT device tests use.
    /// </summary>
    public sealed class SimBroker
    {
        private readonly byte[] _one = new byte[1];

        /// <summary>A broker stand-in on the accepted connection <paramref name="peer"/>.</summary>
        public SimBroker(SimPeer peer)
        {
            Peer = peer;
        }

        /// <summary>The simulated connection to the client.</summary>
        public SimPeer Peer { get; }

        /// <summary>Type (high nibble) of the last packet read.</summary>
        public int Type { get; private set; }

        /// <summary>Flags (low nibble) of the last packet read.</summary>
        public int Flags { get; private set; }

        /// <summary>Variable header and payload of the last packet read.</summary>
        public byte[] Body { get; private set; }

        /// <summary>Reads the next packet; false at the end of the stream or on timeout.</summary>
        public bool Read(int timeout)
        {
            if (!Peer.ReadExactly(_one, 0, 1, timeout))
            {
                return false;
            }

            Type = _one[0] >> 4;
            Flags = _one[0] & 0x0F;
            int rem = 0;
            int mul = 1;
            while (true)
            {
                Assert.IsTrue(Peer.ReadExactly(_one, 0, 1, timeout), "the remaining length was cut short");
                rem += (_one[0] & 0x7F) * mul;
                if ((_one[0] & 0x80) == 0)
                {
                    break;
                }

                mul *= 128;
            }

            Body = new byte[rem];
            return rem == 0 || Peer.ReadExactly(Body, 0, rem, timeout);
        }

        /// <summary>Reads the next packet (bounded by <see cref="Env.Bound"/>) and asserts its type.</summary>
        public void Expect(int type)
        {
            Expect(type, Env.Bound);
        }

        /// <summary>Reads the next packet and asserts its type.</summary>
        public void Expect(int type, int timeout)
        {
            Assert.IsTrue(Read(timeout), "no packet of type " + type + " came");
            Assert.AreEqual(type, Type, "packet type");
        }

        /// <summary>A 2-byte big-endian number in <see cref="Body"/>.</summary>
        public int U16(int at)
        {
            return (Body[at] << 8) | Body[at + 1];
        }

        /// <summary>CONNECT: the client id (assumes the 10-byte MQTT 3.1.1 variable header).</summary>
        public string ConnectClientId { get { return Encoding.UTF8.GetString(Body, 12, U16(10)); } }

        /// <summary>CONNECT: the connect flags byte.</summary>
        public int ConnectFlags { get { return Body[7]; } }

        /// <summary>CONNECT: the keepalive.</summary>
        public int ConnectKeepAlive { get { return U16(8); } }

        /// <summary>PUBLISH: topic.</summary>
        public string PublishTopic { get { return Encoding.UTF8.GetString(Body, 2, U16(0)); } }

        /// <summary>PUBLISH (QoS 1): packet id.</summary>
        public int PublishId { get { return U16(2 + U16(0)); } }

        /// <summary>Writes <paramref name="bytes"/> to the client, asserting all of it went.</summary>
        public void Write(params byte[] bytes)
        {
            Assert.AreEqual(bytes.Length, Peer.Write(bytes, 0, bytes.Length, Env.Bound), "bytes written to the client");
        }

        /// <summary>CONNACK.</summary>
        public void ConnAck(bool sessionPresent, int code)
        {
            Write(0x20, 2, (byte)(sessionPresent ? 1 : 0), (byte)code);
        }

        /// <summary>PUBACK.</summary>
        public void PubAck(int id)
        {
            Write(0x40, 2, (byte)(id >> 8), (byte)id);
        }

        /// <summary>A PUBLISH to the client.</summary>
        public void Publish(string topic, byte[] payload, int qos, int id)
        {
            byte[] t = Encoding.UTF8.GetBytes(topic);
            int rem = 2 + t.Length + (qos > 0 ? 2 : 0) + payload.Length;
            int lengthBytes = rem < 128 ? 1 : (rem < 16384 ? 2 : (rem < 2097152 ? 3 : 4));
            byte[] p = new byte[1 + lengthBytes + rem];
            int at = 0;
            p[at++] = (byte)(0x30 | (qos << 1));
            int r = rem;
            do
            {
                int d = r & 0x7F;
                r >>= 7;
                p[at++] = (byte)(r > 0 ? d | 0x80 : d);
            }
            while (r > 0);

            p[at++] = (byte)(t.Length >> 8);
            p[at++] = (byte)t.Length;
            t.CopyTo(p, at);
            at += t.Length;
            if (qos > 0)
            {
                p[at++] = (byte)(id >> 8);
                p[at++] = (byte)id;
            }

            payload.CopyTo(p, at);
            Write(p);
        }
    }
}
