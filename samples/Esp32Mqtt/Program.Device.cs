using System.Threading;
using NanoLibNet;

namespace NanoLibNet.Samples.Mqtt
{
    /// <summary>
    /// ESP32 entry point (nf/Esp32Mqtt.nfproj): join Wi-Fi, then run the MQTT task against a broker
    /// on your LAN (for example Mosquitto: `mosquitto -p 1883`, with `mosquitto_sub -t 'esp32-1/#' -v`
    /// to watch and `mosquitto_pub -t esp32-1/cmd -m ping` to ping it).
    /// </summary>
    public static class Program
    {
        // Edit these before deploying.
        private const string Ssid = "your-wifi-ssid";
        private const string Password = "your-wifi-password";
        private const string BrokerHost = "192.168.1.10";
        private const int BrokerPort = 1883;
        private const string DeviceId = "esp32-1";

        /// <summary>Joins Wi-Fi and starts the MQTT task, which runs forever.</summary>
        public static void Main()
        {
            WifiSetup.Connect(Ssid, Password, 60000);
            MqttSample sample = new MqttSample(NetAdapter.Default, BrokerHost, BrokerPort, DeviceId);
            sample.Start();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
