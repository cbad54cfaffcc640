using System;
using NanoLibNet;
using NanoLibNet.Mqtt;

namespace NanoLibNet.Samples.Mqtt
{
    /// <summary>
    /// The ESP32 MQTT sample's logic, shared by the device build (nf/Esp32Mqtt.nfproj) and the host
    /// build (Esp32Mqtt.csproj): one LibNet task that keeps an <see cref="MqttClient"/> connected
    /// (<see cref="MqttReconnect"/>, with backoff), announces itself with a retained "online" on
    /// <c>DEVICE/status</c> (the will says "offline" when it vanishes), publishes telemetry at QoS 1
    /// on <c>DEVICE/telemetry</c>, and answers "ping" on <c>DEVICE/cmd</c> with "pong" on
    /// <c>DEVICE/pong</c>. Everything is allocated when the task starts; the loop allocates nothing.
    /// </summary>
    public sealed class MqttSample
    {
        private readonly NetAdapter _adapter;
        private readonly string _host;
        private readonly int _port;
        private readonly string _deviceId;
        private readonly string _statusTopic;
        private readonly string _telemetryTopic;
        private readonly string _cmdTopic;
        private readonly string _pongTopic;
        private readonly byte[] _payload = new byte[32];
        private bool _stop;

        /// <summary>A sample for device <paramref name="deviceId"/> (also its MQTT client id) and a broker.</summary>
        public MqttSample(NetAdapter adapter, string host, int port, string deviceId)
        {
            _adapter = adapter;
            _host = host;
            _port = port;
            _deviceId = deviceId;
            _statusTopic = deviceId + "/status";
            _telemetryTopic = deviceId + "/telemetry";
            _cmdTopic = deviceId + "/cmd";
            _pongTopic = deviceId + "/pong";
            TaskName = "mqtt-" + deviceId;
            TelemetryIntervalMs = 5000;
            KeepAliveSeconds = 30;
        }

        /// <summary>The task's name.</summary>
        public string TaskName { get; private set; }

        /// <summary>Milliseconds between two telemetry messages.</summary>
        public int TelemetryIntervalMs { get; set; }

        /// <summary>MQTT keepalive in seconds.</summary>
        public int KeepAliveSeconds { get; set; }

        /// <summary>Successful connects (a reconnect counts again).</summary>
        public int Connects { get; private set; }

        /// <summary>Telemetry messages the broker acknowledged.</summary>
        public int TelemetrySent { get; private set; }

        /// <summary>"ping" commands answered.</summary>
        public int Pongs { get; private set; }

        /// <summary>Starts the task.</summary>
        public bool Start()
        {
            return SysPlus.TaskInitEx(Run, TaskName, null, null);
        }

        /// <summary>Asks the task to say "offline", disconnect and end (from any thread).</summary>
        public void Stop()
        {
            _stop = true;
            SysPlus.SendMsg(TaskName, SocketEvent.Event, 0);
        }

        /// <summary>Waits for the task to end.</summary>
        public bool WaitDone(int timeout)
        {
            return SysPlus.Join(TaskName, timeout);
        }

        private void Run(object arg)
        {
            string me = TaskName;
            MqttClient client = new MqttClient(_adapter, me, 512, 1024, 4);
            client.ClientId = _deviceId;
            client.CleanSession = false;
            client.KeepAliveSeconds = KeepAliveSeconds;
            client.SetWill(_statusTopic, Ascii("offline"), 1, true);
            MqttReconnect link = new MqttReconnect(client, _host, _port);
            link.MinDelayMs = 500;
            link.MaxDelayMs = 30000;
            long nextTelemetry = DateTime.UtcNow.Ticks;
            byte[] online = Ascii("online");
            byte[] pong = Ascii("pong");
            try
            {
                while (!_stop)
                {
                    if (!link.Ensure(5000))
                    {
                        continue;
                    }

                    if (link.JustConnected)
                    {
                        Connects++;
                        // Subscribe before saying "online": whoever reacts to "online" by sending a
                        // command must find the subscription already in place at the broker.
                        if (!client.SessionPresent)
                        {
                            client.Subscribe(5000, _cmdTopic, 1);
                        }

                        client.Publish(5000, _statusTopic, online, 1, true);
                    }

                    long dueMs = (nextTelemetry - DateTime.UtcNow.Ticks) / 10000;
                    if (dueMs <= 0)
                    {
                        int n = Telemetry(TelemetrySent + 1);
                        if (client.Publish(5000, _telemetryTopic, _payload, 0, n, 1, false))
                        {
                            TelemetrySent++;
                        }

                        nextTelemetry += TelemetryIntervalMs * 10000L;
                        continue;
                    }

                    bool got;
                    if (client.Loop((int)dueMs, out got) && got && client.TopicIs(_cmdTopic) && IsPing(client))
                    {
                        client.Publish(5000, _pongTopic, pong, 1, false);
                        Pongs++;
                    }
                }

                if (client.IsConnected)
                {
                    client.Publish(5000, _statusTopic, Ascii("offline"), 1, true);
                    client.Disconnect(5000);
                }
            }
            finally
            {
                client.Dispose();
            }
        }

        /// <summary>"t=N" into the payload buffer, without allocating.</summary>
        private int Telemetry(int number)
        {
            _payload[0] = (byte)'t';
            _payload[1] = (byte)'=';
            int digits = 1;
            for (int v = number; v >= 10; v /= 10)
            {
                digits++;
            }

            for (int i = digits; i > 0; i--)
            {
                _payload[1 + i] = (byte)('0' + number % 10);
                number /= 10;
            }

            return 2 + digits;
        }

        private static bool IsPing(MqttClient c)
        {
            byte[] b = c.MessageBuffer;
            int p = c.PayloadOffset;
            return c.PayloadLength == 4 && b[p] == 'p' && b[p + 1] == 'i' && b[p + 2] == 'n' && b[p + 3] == 'g';
        }

        private static byte[] Ascii(string s)
        {
            byte[] b = new byte[s.Length];
            for (int i = 0; i < s.Length; i++)
            {
                b[i] = (byte)s[i];
            }

            return b;
        }
    }
}
