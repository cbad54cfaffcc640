namespace NanoLibNet.Mqtt
{
    /// <summary>Quality of service levels (MQTT 3.1.1 section 4.3). This client publishes and subscribes at 0 and 1.</summary>
    public static class MqttQos
    {
        /// <summary>0: at most once (fire and forget).</summary>
        public const int AtMostOnce = 0;

        /// <summary>1: at least once (acknowledged with PUBACK, resent with DUP after a reconnect that keeps the session).</summary>
        public const int AtLeastOnce = 1;

        /// <summary>2: exactly once. Not supported by this client (a specific <see cref="System.NotSupportedException"/>).</summary>
        public const int ExactlyOnce = 2;

        /// <summary>The SUBACK return code of a refused subscription.</summary>
        public const int Failure = 0x80;
    }
}
