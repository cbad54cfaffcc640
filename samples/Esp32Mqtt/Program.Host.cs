using System;
using System.Text;
using System.Threading;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;
using NanoLibNet;

namespace NanoLibNet.Samples.Mqtt
{
    /// <summary>
    /// Host entry point (Esp32Mqtt.csproj): the same MQTT task as on the ESP32, on desktop .NET's
    /// sockets. With no arguments it starts a local broker (MQTTnet's, on 127.0.0.1) and plays the
    /// other side: sends "ping", waits for "pong" and three telemetry messages, then stops the
    /// sample. With `dotnet run --project samples/Esp32Mqtt -- HOST PORT` it runs against your
    /// broker until you press Enter.
    /// </summary>
    public static class Program
    {
        /// <summary>Runs the sample; 0 when the broker saw it work.</summary>
        public static int Main(string[] args)
        {
            if (args.Length >= 2)
            {
                MqttSample mine = new MqttSample(NetAdapter.Default, args[0], int.Parse(args[1]), "esp32-host");
                mine.Start();
                Console.WriteLine("running against " + args[0] + ":" + args[1] + " as esp32-host; Enter to stop");
                Console.ReadLine();
                mine.Stop();
                return mine.WaitDone(10000) ? 0 : 1;
            }

            int port = FreePort();
            MqttServer broker = new MqttServerFactory().CreateMqttServer(new MqttServerFactory().CreateServerOptionsBuilder()
                .WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(System.Net.IPAddress.Loopback).WithDefaultEndpointPort(port).Build());
            broker.StartAsync().GetAwaiter().GetResult();
            IMqttClient peer = new MqttClientFactory().CreateMqttClient();
            try
            {
                int telemetry = 0;
                bool pong = false;
                using ManualResetEventSlim online = new ManualResetEventSlim();
                using ManualResetEventSlim done = new ManualResetEventSlim();
                peer.ApplicationMessageReceivedAsync += e =>
                {
                    string topic = e.ApplicationMessage.Topic;
                    string text = Encoding.ASCII.GetString(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload));
                    Console.WriteLine("[broker side] " + topic + " = " + text);
                    if (topic == "esp32-host/status" && text == "online")
                    {
                        online.Set();
                    }

                    telemetry += topic == "esp32-host/telemetry" ? 1 : 0;
                    pong |= topic == "esp32-host/pong";
                    if (telemetry >= 3 && pong)
                    {
                        done.Set();
                    }

                    return System.Threading.Tasks.Task.CompletedTask;
                };
                peer.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("console")
                    .WithProtocolVersion(MqttProtocolVersion.V311).Build(), CancellationToken.None).GetAwaiter().GetResult();
                peer.SubscribeAsync("esp32-host/#", MqttQualityOfServiceLevel.AtLeastOnce, CancellationToken.None).GetAwaiter().GetResult();

                MqttSample sample = new MqttSample(NetAdapter.Default, "127.0.0.1", port, "esp32-host") { TelemetryIntervalMs = 200 };
                sample.Start();
                bool ok = online.Wait(10000);
                if (ok)
                {
                    peer.PublishStringAsync("esp32-host/cmd", "ping", MqttQualityOfServiceLevel.AtLeastOnce, false, CancellationToken.None).GetAwaiter().GetResult();
                    ok = done.Wait(10000);
                }

                sample.Stop();
                ok &= sample.WaitDone(10000);
                Console.WriteLine("connects " + sample.Connects + ", telemetry " + sample.TelemetrySent + ", pongs " + sample.Pongs);
                return ok ? 0 : 1;
            }
            finally
            {
                peer.Dispose();
                broker.StopAsync(new MqttServerStopOptions()).GetAwaiter().GetResult();
                broker.Dispose();
            }
        }

        private static int FreePort()
        {
            var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            l.Start();
            int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }
    }
}
