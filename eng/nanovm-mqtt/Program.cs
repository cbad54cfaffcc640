using System;
using System.Threading;
using NanoLibNet;
using NanoLibNet.Mqtt;

namespace MqttOnNano
{
    /// <summary>
    /// The MQTT client on the real nanoCLR (eng/nanovm-mqtt.sh runs it on ../shared/nanovm against
    /// MQTTnet's broker on loopback): connect with a will, subscribe, QoS 0 and 1 round trips
    /// through the broker with the free heap read before and after, keepalive pings over an idle
    /// period, a publish larger than the netc's ring, a message larger than the receive buffer
    /// dropped and counted, disconnect. Prints MQTT-NANO: PASS when all of it worked.
    /// </summary>
    public static class Program
    {
        private static int s_ok;

        public static void Main()
        {
            SysPlus.TaskInitEx(Run, "mqtt", null, null);
            SysPlus.Join("mqtt", 120000);
            Console.WriteLine(s_ok == 1 ? "MQTT-NANO: PASS" : "MQTT-NANO: FAIL");
        }

        private static void Fail(MqttClient c, string what)
        {
            Console.WriteLine("FAIL " + what + ": " + MqttError.Name(c.LastError) + " / " + NetError.Name(c.NetError) + " " + c.Net.LastErrorMessage);
        }

        private static bool Receive(MqttClient c, string topic, int length)
        {
            bool got;
            if (!c.Loop(10000, out got) || !got)
            {
                Fail(c, "loop");
                return false;
            }

            if (!c.TopicIs(topic) || c.PayloadLength != length)
            {
                Console.WriteLine("FAIL wrong message " + c.GetTopic() + " " + c.PayloadLength);
                return false;
            }

            return true;
        }

        private static void Run(object arg)
        {
            MqttClient c = new MqttClient(NetAdapter.Default, "mqtt", 1024, 1024, 4);
            c.ClientId = "nanoclr";
            c.KeepAliveSeconds = 2;
            c.SetWill("nano/will", new byte[] { 1 }, 1, false);
            long t0 = DateTime.UtcNow.Ticks;
            if (!c.Connect(10000, "127.0.0.1", Broker.Port))
            {
                Fail(c, "connect");
                return;
            }

            Console.WriteLine("connected in " + (DateTime.UtcNow.Ticks - t0) / 10000 + " ms");
            if (!c.Subscribe(10000, "nano/#", 1))
            {
                Fail(c, "subscribe");
                return;
            }

            byte[] p = new byte[64];
            for (int qos = 0; qos <= 1; qos++)
            {
                if (!c.Publish(10000, qos == 0 ? "nano/a" : "nano/b", p, qos, false) || !Receive(c, qos == 0 ? "nano/a" : "nano/b", 64))
                {
                    Fail(c, "publish/receive qos " + qos);
                    return;
                }
            }

            long free0 = nanoFramework.Runtime.Native.GC.Run(false);
            t0 = DateTime.UtcNow.Ticks;
            for (int i = 0; i < 100; i++)
            {
                int qos = i & 1;
                if (!c.Publish(10000, "nano/r", p, qos, false) || !Receive(c, "nano/r", 64))
                {
                    Fail(c, "round " + i);
                    return;
                }
            }

            long ms = (DateTime.UtcNow.Ticks - t0) / 10000;
            long free1 = nanoFramework.Runtime.Native.GC.Run(false);
            Console.WriteLine("100 round trips (QoS 0 and 1 alternately, through the broker): " + ms + " ms; free heap before " + free0 + " after " + free1);
            if (free1 + 512 < free0)
            {
                // Nothing is kept per message: the free heap after a GC must not shrink (M2Mqtt leaked ~200 B a message).
                Console.WriteLine("FAIL the free heap shrank by " + (free0 - free1) + " bytes over 100 round trips");
                return;
            }

            long idle0 = DateTime.UtcNow.Ticks;
            while ((DateTime.UtcNow.Ticks - idle0) / 10000 < 5000)
            {
                bool got;
                if (!c.Loop(1000, out got))
                {
                    Fail(c, "idle loop");
                    return;
                }
            }

            Console.WriteLine("idle 5 s with keepalive 2 s: connected " + c.IsConnected + ", pings " + c.PingsSent);
            if (!c.IsConnected || c.PingsSent < 2)
            {
                return;
            }

            byte[] big = new byte[8000];
            if (!c.Publish(10000, "nano/big", big, 0, false))
            {
                Fail(c, "big publish");
                return;
            }

            Console.WriteLine("8000-byte QoS 0 publish (larger than the netc's 1536-byte ring): ok; dropped by the 1024-byte receive buffer: " + (Receive0(c) ? "no" : "yes") + ", MessagesDropped " + c.MessagesDropped);
            if (!c.Disconnect(10000))
            {
                Fail(c, "disconnect");
                return;
            }

            c.Dispose();
            s_ok = 1;
        }

        private static bool Receive0(MqttClient c)
        {
            bool got;
            return c.Loop(1000, out got) && got;
        }
    }
}
