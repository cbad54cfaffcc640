using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace NanoLibNet.Mqtt.Tests
{
    /// <summary>
    /// A real MQTT broker in the test process: MQTTnet's <see cref="MqttServer"/> on a free
    /// loopback port, with hooks to refuse connects and to watch what clients do.
    /// </summary>
    public sealed class Broker : IDisposable
    {
        private readonly MqttServer _server;

        /// <summary>Client ids seen connecting (in order).</summary>
        public readonly ConcurrentQueue<string> Connected = new ConcurrentQueue<string>();

        /// <summary>Client ids seen disconnecting, with how.</summary>
        public readonly ConcurrentQueue<string> Disconnected = new ConcurrentQueue<string>();

        /// <summary>Topics published by clients, as the broker saw them (client id, topic).</summary>
        public readonly ConcurrentQueue<string> Published = new ConcurrentQueue<string>();

        /// <summary>Publishes and subscriptions in the order the broker handled them ("publish id:topic", "subscribe id:filter").</summary>
        public readonly ConcurrentQueue<string> Log = new ConcurrentQueue<string>();

        /// <summary>Keepalive (seconds) of the last CONNECT, and its clean-session flag.</summary>
        public int LastKeepAlive;

        /// <summary>Optional connect validation: set ReasonCode to refuse.</summary>
        public Action<ValidatingConnectionEventArgs> Validate;

        private Broker(int port, MqttServer server)
        {
            Port = port;
            _server = server;
        }

        /// <summary>The broker's port on 127.0.0.1.</summary>
        public int Port { get; }

        /// <summary>The MQTTnet server.</summary>
        public MqttServer Server => _server;

        /// <summary>Starts a broker on a free loopback port.</summary>
        public static Broker Start()
        {
            int port = FreePort();
            MqttServerOptions options = new MqttServerFactory().CreateServerOptionsBuilder()
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
                .WithDefaultEndpointPort(port)
                .WithPersistentSessions(true)
                .Build();
            MqttServer server = new MqttServerFactory().CreateMqttServer(options);
            Broker b = new Broker(port, server);
            server.ValidatingConnectionAsync += e =>
            {
                b.LastKeepAlive = e.KeepAlivePeriod ?? -1;
                b.Validate?.Invoke(e);
                return Task.CompletedTask;
            };
            server.ClientConnectedAsync += e =>
            {
                b.Connected.Enqueue(e.ClientId);
                return Task.CompletedTask;
            };
            server.ClientDisconnectedAsync += e =>
            {
                b.Disconnected.Enqueue(e.ClientId + ":" + e.DisconnectType);
                return Task.CompletedTask;
            };
            server.InterceptingPublishAsync += e =>
            {
                b.Published.Enqueue(e.ClientId + ":" + e.ApplicationMessage.Topic);
                b.Log.Enqueue("publish " + e.ClientId + ":" + e.ApplicationMessage.Topic);
                return Task.CompletedTask;
            };
            server.ClientSubscribedTopicAsync += e =>
            {
                b.Log.Enqueue("subscribe " + e.ClientId + ":" + e.TopicFilter.Topic);
                return Task.CompletedTask;
            };
            server.StartAsync().GetAwaiter().GetResult();
            return b;
        }

        /// <summary>An independent MQTTnet client connected to this broker.</summary>
        public Peer Peer(string clientId, bool cleanSession = true)
        {
            return Tests.Peer.Connect(Port, clientId, cleanSession);
        }

        /// <summary>Waits until <paramref name="condition"/> holds.</summary>
        public static bool Until(Func<bool> condition, int timeout = 10000)
        {
            return SpinWait.SpinUntil(condition, timeout);
        }

        public void Dispose()
        {
            _server.StopAsync(new MqttServerStopOptions()).GetAwaiter().GetResult();
            _server.Dispose();
        }

        private static int FreePort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }
    }

    /// <summary>The other side: an MQTTnet client (MQTT 3.1.1) that records what it receives.</summary>
    public sealed class Peer : IDisposable
    {
        private Peer(IMqttClient client)
        {
            Client = client;
        }

        public IMqttClient Client { get; }

        public BlockingCollection<MqttApplicationMessage> Received { get; } = new BlockingCollection<MqttApplicationMessage>();

        public static Peer Connect(int port, string clientId, bool cleanSession = true, Action<MqttClientOptionsBuilder> configure = null)
        {
            IMqttClient c = new MqttClientFactory().CreateMqttClient();
            Peer p = new Peer(c);
            c.ApplicationMessageReceivedAsync += e =>
            {
                p.Received.Add(e.ApplicationMessage);
                return Task.CompletedTask;
            };
            MqttClientOptionsBuilder b = new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", port)
                .WithClientId(clientId)
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithCleanSession(cleanSession)
                .WithTimeout(TimeSpan.FromSeconds(10));
            configure?.Invoke(b);
            MqttClientConnectResult r = c.ConnectAsync(b.Build(), CancellationToken.None).GetAwaiter().GetResult();
            if (r.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException("peer connect: " + r.ResultCode);
            }

            return p;
        }

        public void Subscribe(string filter, int qos)
        {
            var r = Client.SubscribeAsync(filter, (MqttQualityOfServiceLevel)qos, CancellationToken.None).GetAwaiter().GetResult();
            foreach (var item in r.Items)
            {
                if ((int)item.ResultCode > 2)
                {
                    throw new InvalidOperationException("peer subscribe: " + item.ResultCode);
                }
            }
        }

        public void Publish(string topic, byte[] payload, int qos, bool retain = false)
        {
            var m = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
                .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos).WithRetainFlag(retain).Build();
            Client.PublishAsync(m, CancellationToken.None).GetAwaiter().GetResult();
        }

        /// <summary>A received message's payload.</summary>
        public static byte[] Data(MqttApplicationMessage m) => m.Payload.ToArray();

        /// <summary>A received message's payload as UTF-8 text.</summary>
        public static string Text(MqttApplicationMessage m) => System.Text.Encoding.UTF8.GetString(Data(m));

        /// <summary>The next message received, or null after <paramref name="timeout"/> ms.</summary>
        public MqttApplicationMessage Take(int timeout = 10000)
        {
            return Received.TryTake(out MqttApplicationMessage m, timeout) ? m : null;
        }

        public void Dispose()
        {
            try
            {
                if (Client.IsConnected)
                {
                    Client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).GetAwaiter().GetResult();
                }
            }
            catch (Exception)
            {
                // the broker may be gone already
            }

            Client.Dispose();
        }
    }
}
