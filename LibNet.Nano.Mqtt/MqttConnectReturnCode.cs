namespace NanoLibNet.Mqtt
{
    /// <summary>The CONNACK return codes of MQTT 3.1.1 (section 3.2.2.3), as <see cref="MqttClient.ConnectReturnCode"/> reports them.</summary>
    public static class MqttConnectReturnCode
    {
        /// <summary>0: connection accepted.</summary>
        public const int Accepted = 0;

        /// <summary>1: the broker does not support MQTT 3.1.1.</summary>
        public const int UnacceptableProtocolVersion = 1;

        /// <summary>2: the client identifier is not allowed by the broker.</summary>
        public const int IdentifierRejected = 2;

        /// <summary>3: the MQTT service is unavailable.</summary>
        public const int ServerUnavailable = 3;

        /// <summary>4: the user name or password is malformed or wrong.</summary>
        public const int BadUserNameOrPassword = 4;

        /// <summary>5: the client is not authorized to connect.</summary>
        public const int NotAuthorized = 5;

        /// <summary>A short name for a return code.</summary>
        /// <param name="code">A CONNACK return code.</param>
        /// <returns>Its name ("Accepted", "NotAuthorized", ...).</returns>
        public static string Name(int code)
        {
            switch (code)
            {
                case Accepted: return "Accepted";
                case UnacceptableProtocolVersion: return "UnacceptableProtocolVersion";
                case IdentifierRejected: return "IdentifierRejected";
                case ServerUnavailable: return "ServerUnavailable";
                case BadUserNameOrPassword: return "BadUserNameOrPassword";
                case NotAuthorized: return "NotAuthorized";
                default: return "Code" + code;
            }
        }
    }
}
