using System;

namespace NanoLibNet.Mqtt
{
    /// <summary>
    /// Optional reconnect helper: keeps an <see cref="MqttClient"/> connected to one broker, with
    /// exponential backoff between failed attempts (<see cref="MinDelayMs"/> doubling up to
    /// <see cref="MaxDelayMs"/>). Runs in the client's task like the client itself, and allocates
    /// nothing per attempt. Typical loop:
    /// <code>
    /// while (true)
    /// {
    ///     if (!reconnect.Ensure(60000)) continue;          // not connected yet: try again
    ///     if (reconnect.JustConnected &amp;&amp; !client.SessionPresent) client.Subscribe(5000, "cmd/#", 1);
    ///     bool got;
    ///     if (client.Loop(1000, out got) &amp;&amp; got) Handle(client);
    /// }
    /// </code>
    /// </summary>
    public sealed class MqttReconnect
    {
        private readonly MqttClient _client;
        private readonly string _host;
        private readonly int _port;
        private int _delay;
        private int _attempts;
        private int _connects;
        private bool _justConnected;
        private int _lastAttemptError;

        /// <summary>A helper that connects <paramref name="client"/> to <paramref name="host"/>:<paramref name="port"/>.</summary>
        /// <param name="client">The client (its settings are used for every attempt).</param>
        /// <param name="host">Broker host.</param>
        /// <param name="port">Broker port.</param>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad port.</exception>
        public MqttReconnect(MqttClient client, string host, int port)
        {
            if (client == null)
            {
                throw new ArgumentNullException("client");
            }

            if (host == null)
            {
                throw new ArgumentNullException("host");
            }

            if (port < 1 || port > 65535)
            {
                throw new ArgumentOutOfRangeException("port", "port must be 1 to 65535");
            }

            _client = client;
            _host = host;
            _port = port;
            MinDelayMs = 1000;
            MaxDelayMs = 60000;
            AttemptTimeoutMs = 10000;
        }

        /// <summary>Pause after the first failed attempt (ms, default 1000); doubled after each further failure.</summary>
        public int MinDelayMs { get; set; }

        /// <summary>Longest pause between attempts (ms, default 60000).</summary>
        public int MaxDelayMs { get; set; }

        /// <summary>Deadline of one connect attempt (ms, default 10000).</summary>
        public int AttemptTimeoutMs { get; set; }

        /// <summary>Connect attempts made.</summary>
        public int Attempts { get { return _attempts; } }

        /// <summary>Successful connects.</summary>
        public int Connects { get { return _connects; } }

        /// <summary>The pause before the next attempt (ms; 0 after a success).</summary>
        public int NextDelayMs { get { return _delay; } }

        /// <summary>True when the last <see cref="Ensure"/> made a new connection (resubscribe when <see cref="MqttClient.SessionPresent"/> is false).</summary>
        public bool JustConnected { get { return _justConnected; } }

        /// <summary>The client's <see cref="MqttClient.LastError"/> after the last failed attempt.</summary>
        public int LastAttemptError { get { return _lastAttemptError; } }

        /// <summary>
        /// Returns true at once when the client is connected; otherwise connects, pausing between
        /// failed attempts with backoff, until one succeeds or <paramref name="timeout"/> passes. A
        /// pause ends early on a forced exit (<see cref="MqttClient.Wake"/>): Ensure then returns false.
        /// </summary>
        /// <param name="timeout">Milliseconds for all attempts and pauses; 0 or -1 = until connected.</param>
        /// <returns>True when connected.</returns>
        public bool Ensure(int timeout)
        {
            _justConnected = false;
            if (_client.IsConnected)
            {
                return true;
            }

            MqttClock.CheckTimeout(timeout);
            bool forever = timeout == 0 || timeout == System.Threading.Timeout.Infinite;
            long start = DateTime.UtcNow.Ticks;
            while (true)
            {
                int left = forever ? int.MaxValue : timeout - (int)((DateTime.UtcNow.Ticks - start) / 10000);
                if (left <= 0)
                {
                    return false;
                }

                if (_delay > 0)
                {
                    int pause = _delay < left ? _delay : left;
                    if (Pause(pause))
                    {
                        return false;
                    }

                    left -= pause;
                    if (left <= 0)
                    {
                        return false;
                    }
                }

                _attempts++;
                int attempt = AttemptTimeoutMs < left ? AttemptTimeoutMs : left;
                if (_client.Connect(attempt, _host, _port))
                {
                    _delay = 0;
                    _connects++;
                    _justConnected = true;
                    return true;
                }

                _lastAttemptError = _client.LastError;
                _delay = _delay == 0 ? MinDelayMs : (_delay >= MaxDelayMs / 2 ? MaxDelayMs : _delay * 2);
            }
        }

        /// <summary>Sleeps in the task's mailbox; true when a forced exit ended it.</summary>
        private bool Pause(int ms)
        {
            long start = DateTime.UtcNow.Ticks;
            int left = ms;
            while (left > 0)
            {
                TaskMessage msg;
                if (!SysPlus.WaitMsg(_client.TaskName, SocketEvent.Event, left, out msg))
                {
                    return false;
                }

                if (msg.Source == null)
                {
                    return true;
                }

                // A stale event of the closed netc: keep pausing.
                left = ms - (int)((DateTime.UtcNow.Ticks - start) / 10000);
            }

            return false;
        }
    }
}
