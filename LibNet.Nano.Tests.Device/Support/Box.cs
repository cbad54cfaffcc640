namespace NanoLibNet.Tests.Device
{
    /// <summary>A value handed from one thread to another (a task to the test thread), under a lock.</summary>
    public sealed class Box
    {
        private readonly object _lock = new object();
        private object _value;
        private long _number;

        /// <summary>The object held, or null.</summary>
        public object Value
        {
            get { lock (_lock) { return _value; } }
            set { lock (_lock) { _value = value; } }
        }

        /// <summary>A number held (a duration, a count).</summary>
        public long Number
        {
            get { lock (_lock) { return _number; } }
            set { lock (_lock) { _number = value; } }
        }

        /// <summary>The held object as a netc, or null.</summary>
        public NetCtrl Netc { get { return Value as NetCtrl; } }
    }
}
