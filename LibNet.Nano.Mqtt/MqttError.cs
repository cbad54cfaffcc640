namespace NanoLibNet.Mqtt
{
    /// <summary>
    /// Why the last call of an <see cref="MqttClient"/> returned false
    /// (<see cref="MqttClient.LastError"/>). Network details are in <see cref="MqttClient.NetError"/>
    /// (a <see cref="NanoLibNet.NetError"/> code), a refused connect's reason in
    /// <see cref="MqttClient.ConnectReturnCode"/>.
    /// </summary>
    public static class MqttError
    {
        /// <summary>No error.</summary>
        public const int None = 0;

        /// <summary>The call needs a connection to the broker and there is none (connect first).</summary>
        public const int NotConnected = 1;

        /// <summary>The call's deadline passed. The connection is still up unless <see cref="MqttClient.IsConnected"/> says otherwise (a send cut mid-packet closes it).</summary>
        public const int Timeout = 2;

        /// <summary>The network failed: the connect failed, the connection was reset or closed by the broker; <see cref="MqttClient.NetError"/> says which.</summary>
        public const int Network = 3;

        /// <summary>The broker refused the connection; <see cref="MqttClient.ConnectReturnCode"/> says why.</summary>
        public const int Refused = 4;

        /// <summary>The broker sent something MQTT 3.1.1 does not allow here; the connection was closed.</summary>
        public const int ProtocolError = 5;

        /// <summary>The broker did not answer a PINGREQ within half the keepalive; the connection was closed.</summary>
        public const int PingTimeout = 6;

        /// <summary>The QoS 1 in-flight table (slots or bytes) stayed full until the deadline: nothing was sent.</summary>
        public const int InflightFull = 7;

        /// <summary>The broker refused a subscription (SUBACK return code 0x80).</summary>
        public const int SubscribeFailed = 8;

        /// <summary>A short name for a code ("Timeout", "PingTimeout", ...).</summary>
        /// <param name="code">An <see cref="MqttError"/> code.</param>
        /// <returns>Its name.</returns>
        public static string Name(int code)
        {
            switch (code)
            {
                case None: return "None";
                case NotConnected: return "NotConnected";
                case Timeout: return "Timeout";
                case Network: return "Network";
                case Refused: return "Refused";
                case ProtocolError: return "ProtocolError";
                case PingTimeout: return "PingTimeout";
                case InflightFull: return "InflightFull";
                case SubscribeFailed: return "SubscribeFailed";
                default: return "Error" + code;
            }
        }
    }
}
