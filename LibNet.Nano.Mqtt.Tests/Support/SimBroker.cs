using System;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Mqtt.Tests
{
    /// <summary>
    /// A scripted MQTT broker stand-in over a <see cref="SimPeer"/> of LibNet's simulated network:
    /// the test reads the client's packets one by one and answers (or does not) as the fault it
    /// plays needs. Only what the fault tests use.
    /// </summary>
    public sealed class SimBroker
    {
        public const int Bound = 10000;

        public SimBroker(SimPeer peer)
        {
            Peer = peer;
        }

        public SimPeer Peer { get; }

        /// <summary>Type (high nibble) of the last packet read.</summary>
        public int Type { get; private set; }

        /// <summary>Flags (low nibble) of the last packet read.</summary>
        public int Flags { get; private set; }

        /// <summary>Variable header and payload of the last packet read.</summary>
        public byte[] Body { get; private set; }

        /// <summary>Reads the next packet; false at the end of the stream or on timeout.</summary>
        public bool Read(int timeout = Bound)
        {
            byte[] one = new byte[1];
            if (!Peer.ReadExactly(one, 0, 1, timeout))
            {
                return false;
            }

            Type = one[0] >> 4;
            Flags = one[0] & 0x0F;
            int rem = 0;
            int mul = 1;
            while (true)
            {
                Assert.True(Peer.ReadExactly(one, 0, 1, timeout));
                rem += (one[0] & 0x7F) * mul;
                if ((one[0] & 0x80) == 0)
                {
                    break;
                }

                mul *= 128;
            }

            Body = new byte[rem];
            return rem == 0 || Peer.ReadExactly(Body, 0, rem, timeout);
        }

        /// <summary>Reads the next packet and asserts its type.</summary>
        public void Expect(int type, int timeout = Bound)
        {
            Assert.True(Read(timeout), "no packet of type " + type + " came");
            Assert.Equal(type, Type);
        }

        /// <summary>A 2-byte big-endian number in <see cref="Body"/>.</summary>
        public int U16(int at) => (Body[at] << 8) | Body[at + 1];

        /// <summary>CONNECT: the client id (assumes the 10-byte MQTT 3.1.1 variable header).</summary>
        public string ConnectClientId => System.Text.Encoding.UTF8.GetString(Body, 12, U16(10));

        /// <summary>CONNECT: the connect flags byte.</summary>
        public int ConnectFlags => Body[7];

        /// <summary>CONNECT: the keepalive.</summary>
        public int ConnectKeepAlive => U16(8);

        /// <summary>PUBLISH: topic.</summary>
        public string PublishTopic => System.Text.Encoding.UTF8.GetString(Body, 2, U16(0));

        /// <summary>PUBLISH (QoS 1): packet id.</summary>
        public int PublishId => U16(2 + U16(0));

        public void Write(params byte[] bytes)
        {
            Assert.Equal(bytes.Length, Peer.Write(bytes, 0, bytes.Length, Bound));
        }

        public void ConnAck(bool sessionPresent, int code) => Write(0x20, 2, (byte)(sessionPresent ? 1 : 0), (byte)code);

        public void PubAck(int id) => Write(0x40, 2, (byte)(id >> 8), (byte)id);

        public void SubAck(int id, byte code) => Write(0x90, 3, (byte)(id >> 8), (byte)id, code);

        public void PingResp() => Write(0xD0, 0);

        /// <summary>A PUBLISH to the client.</summary>
        public void Publish(string topic, byte[] payload, int qos, int id)
        {
            byte[] t = System.Text.Encoding.UTF8.GetBytes(topic);
            int rem = 2 + t.Length + (qos > 0 ? 2 : 0) + payload.Length;
            var p = new System.Collections.Generic.List<byte> { (byte)(0x30 | (qos << 1)) };
            int r = rem;
            do
            {
                int d = r & 0x7F;
                r >>= 7;
                p.Add((byte)(r > 0 ? d | 0x80 : d));
            }
            while (r > 0);

            p.Add((byte)(t.Length >> 8));
            p.Add((byte)t.Length);
            p.AddRange(t);
            if (qos > 0)
            {
                p.Add((byte)(id >> 8));
                p.Add((byte)id);
            }

            p.AddRange(payload);
            Write(p.ToArray());
        }
    }
}
