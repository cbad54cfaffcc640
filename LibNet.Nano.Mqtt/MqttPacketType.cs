namespace NanoLibNet.Mqtt
{
    /// <summary>MQTT control packet types (the high nibble of the first byte, MQTT 3.1.1 section 2.2.1).</summary>
    internal static class MqttPacketType
    {
        internal const int Connect = 1;
        internal const int ConnAck = 2;
        internal const int Publish = 3;
        internal const int PubAck = 4;
        internal const int PubRec = 5;
        internal const int PubRel = 6;
        internal const int PubComp = 7;
        internal const int Subscribe = 8;
        internal const int SubAck = 9;
        internal const int Unsubscribe = 10;
        internal const int UnsubAck = 11;
        internal const int PingReq = 12;
        internal const int PingResp = 13;
        internal const int Disconnect = 14;
    }
}
